"""Register-level model of the Melexis MLX90614 infrared thermometer on SMBus.

Answers "read word" commands with LSB, MSB and the SMBus PEC, like the real part; faults are
switches a test flips: the RAM error flag, a corrupted PEC, or no acknowledgement at all.
MicroPython-compatible (no dataclasses, no typing at run time): the firmware tests run it on
CPython and inside MicroPython itself (sim/micropython_node/).
"""

RAM_AMBIENT = 0x06
RAM_OBJECT1 = 0x07
RAM_OBJECT2 = 0x08
EEPROM_EMISSIVITY = 0x24
EEPROM_CONFIG1 = 0x25
EEPROM_SMBUS_ADDRESS = 0x2E
_ERROR_FLAG = 0x8000


def celsius_to_raw(celsius: float) -> int:
    """Temperature in °C to the part's RAM word (0.02 K per count), clamped to 15 bits."""
    return max(0, min(0x7FFF, round((celsius + 273.15) / 0.02)))


def pec(message: bytes) -> int:
    """SMBus PEC (CRC-8, x^8 + x^2 + x + 1) by polynomial division of the whole message.

    Deliberately not the firmware's bytewise loop, so a shared mistake cannot hide.
    """
    value = int.from_bytes(message, "big") << 8
    poly = 0x107
    # MicroPython's int has no bit_length(): the dividend has 8 * (len + 1) bits at most.
    for shift in range(8 * len(message) - 1, -1, -1):
        if value & (1 << (shift + 8)):
            value ^= poly << shift
    return value


class Mlx90614Model:
    """One MLX90614 at a 7-bit address; object_c and ambient_c are what it "sees"."""

    def __init__(self, address: int = 0x5A, object_c: float = 36.6,
                 ambient_c: float = 28.0) -> None:
        self.address = address
        self.addrsize = 8
        self.object_c = object_c
        self.ambient_c = ambient_c
        self.error_flag = False
        self.corrupt_pec = False
        self.nack = False
        self.reads = 0

    def _word(self, command: int) -> int:
        if command == RAM_AMBIENT:
            return celsius_to_raw(self.ambient_c)
        if command in (RAM_OBJECT1, RAM_OBJECT2):
            raw = celsius_to_raw(self.object_c)
            return raw | _ERROR_FLAG if self.error_flag else raw
        if command == EEPROM_EMISSIVITY:
            return 0xFFFF
        if command == EEPROM_CONFIG1:
            return 0x9FB4
        if command == EEPROM_SMBUS_ADDRESS:
            return self.address
        return 0

    def read_mem(self, memaddr: int, addrsize: int, count: int) -> bytes:
        """SMBus read word: LSB, MSB, PEC (then 0xFF if more bytes are clocked out)."""
        if addrsize != 8:
            raise OSError(5, "MLX90614 takes 8-bit commands")
        self.reads += 1
        word = self._word(memaddr & 0x3F if memaddr >= 0x20 else memaddr)
        lsb, msb = word & 0xFF, word >> 8
        code = pec(bytes([self.address << 1, memaddr, (self.address << 1) | 1, lsb, msb]))
        if self.corrupt_pec:
            code ^= 0x5A
        return (bytes([lsb, msb, code]) + b"\xff" * max(0, count - 3))[:count]

    def write_mem(self, memaddr: int, addrsize: int, data: bytes) -> None:
        """EEPROM writes are accepted and ignored (the firmware never writes)."""
