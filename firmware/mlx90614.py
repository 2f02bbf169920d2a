"""MLX90614 infrared thermometer on SMBus: raw object and ambient words, PEC checked on each read.

Handed its I2C bus (100 kHz: the MLX90614's SMBus interface tops out there). Reports raw words
(0.02 K per count) so the sampling loop does no float arithmetic, which would allocate.
"""

from micropython import const

from firmware.thermo_protocol import FAULT_BAD_PEC, FAULT_BUS, FAULT_ERROR_FLAG

DEFAULT_ADDRESS = const(0x5A)
_RAM_AMBIENT = const(0x06)
_RAM_OBJECT1 = const(0x07)
_ERROR_FLAG = const(0x80)


def smbus_pec(buf: bytearray, length: int) -> int:
    """SMBus packet error code: CRC-8, polynomial 0x07, initial value 0, over buf[:length]."""
    crc = 0
    for i in range(length):
        crc ^= buf[i]
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


class MLX90614:
    """Reads object and ambient temperature words; `read()` returns 0 or a FAULT_* code."""

    def __init__(self, i2c, address: int = DEFAULT_ADDRESS) -> None:
        self._i2c = i2c
        self._address = address
        self._word = bytearray(3)
        self._pec_input = bytearray(5)
        self._value = 0
        self.object_raw = 0
        self.ambient_raw = 0

    def read(self) -> int:
        """Refresh object_raw and ambient_raw from RAM; on a fault both keep their old values."""
        fault = self._read_word(_RAM_AMBIENT)
        if fault:
            return fault
        ambient = self._value
        fault = self._read_word(_RAM_OBJECT1)
        if fault:
            return fault
        self.ambient_raw = ambient
        self.object_raw = self._value
        return 0

    def _read_word(self, register: int) -> int:
        word = self._word
        try:
            self._i2c.readfrom_mem_into(self._address, register, word)
        except OSError:
            return FAULT_BUS
        # PEC covers the whole transaction: address+W, command, address+R, LSB, MSB.
        pec_input = self._pec_input
        pec_input[0] = self._address << 1
        pec_input[1] = register
        pec_input[2] = (self._address << 1) | 1
        pec_input[3] = word[0]
        pec_input[4] = word[1]
        if smbus_pec(pec_input, 5) != word[2]:
            return FAULT_BAD_PEC
        if word[1] & _ERROR_FLAG:
            return FAULT_ERROR_FLAG
        self._value = word[0] | (word[1] << 8)
        return 0
