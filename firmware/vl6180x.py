"""VL6180X time-of-flight proximity sensor: single-shot ranging, 0-255 mm, polled without blocking.

A forehead or wrist held in front of the thermometer is 20-100 mm away, well inside its range.
Handed its I2C bus; registers have 16-bit addresses.
"""

from micropython import const

from firmware.thermo_protocol import FAULT_BUS, FAULT_RANGE

DEFAULT_ADDRESS = const(0x29)
MODEL_ID = const(0xB4)
NO_TARGET = const(-1)

_IDENTIFICATION_MODEL_ID = const(0x000)
_SYSTEM_INTERRUPT_CONFIG_GPIO = const(0x014)
_SYSTEM_INTERRUPT_CLEAR = const(0x015)
_SYSTEM_FRESH_OUT_OF_RESET = const(0x016)
_SYSRANGE_START = const(0x018)
_RESULT_RANGE_STATUS = const(0x04D)
_RESULT_INTERRUPT_STATUS_GPIO = const(0x04F)
_RESULT_RANGE_VAL = const(0x062)
_NEW_SAMPLE_READY = const(0x04)

# Private registers that ST's application note AN4545 requires after every power-on.
_MANDATORY_SETTINGS = (
    (0x0207, 0x01), (0x0208, 0x01), (0x0096, 0x00), (0x0097, 0xFD), (0x00E3, 0x00),
    (0x00E4, 0x04), (0x00E5, 0x02), (0x00E6, 0x01), (0x00E7, 0x03), (0x00F5, 0x02),
    (0x00D9, 0x05), (0x00DB, 0xCE), (0x00DC, 0x03), (0x00DD, 0xF8), (0x009F, 0x00),
    (0x00A3, 0x3C), (0x00B7, 0x00), (0x00BB, 0x3C), (0x00B2, 0x09), (0x00CA, 0x09),
    (0x0198, 0x01), (0x01B0, 0x17), (0x01AD, 0x00), (0x00FF, 0x05), (0x0100, 0x05),
    (0x0199, 0x05), (0x01A6, 0x1B), (0x01AC, 0x3E), (0x01A7, 0x1F), (0x0030, 0x00),
)

# Range status error codes (bits 7:4) that mean "nothing in front", not a broken sensor:
# early/max convergence, no target, signal-to-noise and the ranging algorithm's under/overflows.
_NO_TARGET_ERRORS = (6, 7, 8, 11, 12, 13, 14, 15)


class VL6180X:
    """Single-shot ranging: start(), then ready() until True, then read() for distance_mm."""

    def __init__(self, i2c, address: int = DEFAULT_ADDRESS) -> None:
        self._i2c = i2c
        self._address = address
        self._byte = bytearray(1)
        self.distance_mm = NO_TARGET

    def init(self) -> int:
        """Check the model id and load the power-on settings; returns 0 or a FAULT_* code."""
        try:
            if self._read(_IDENTIFICATION_MODEL_ID) != MODEL_ID:
                return FAULT_RANGE
            if self._read(_SYSTEM_FRESH_OUT_OF_RESET) == 1:
                for register, value in _MANDATORY_SETTINGS:
                    self._write(register, value)
                self._write(_SYSTEM_INTERRUPT_CONFIG_GPIO, _NEW_SAMPLE_READY)
                self._write(_SYSTEM_FRESH_OUT_OF_RESET, 0)
        except OSError:
            return FAULT_BUS
        return 0

    def start(self) -> int:
        """Start one range measurement; returns 0 or FAULT_BUS."""
        try:
            self._write(_SYSRANGE_START, 0x01)
        except OSError:
            return FAULT_BUS
        return 0

    def ready(self) -> bool:
        """True once the started measurement has a result (a bus error also ends the wait)."""
        try:
            return self._read(_RESULT_INTERRUPT_STATUS_GPIO) & 0x07 == _NEW_SAMPLE_READY
        except OSError:
            return True

    def read(self) -> int:
        """Fetch the result into distance_mm (NO_TARGET when nothing is in front); 0 or a fault."""
        try:
            error = self._read(_RESULT_RANGE_STATUS) >> 4
            distance = self._read(_RESULT_RANGE_VAL)
            self._write(_SYSTEM_INTERRUPT_CLEAR, 0x07)
        except OSError:
            self.distance_mm = NO_TARGET
            return FAULT_BUS
        if error == 0:
            self.distance_mm = distance
            return 0
        self.distance_mm = NO_TARGET
        if error in _NO_TARGET_ERRORS:
            return 0
        return FAULT_RANGE

    def _read(self, register: int) -> int:
        self._i2c.readfrom_mem_into(self._address, register, self._byte, addrsize=16)
        return self._byte[0]

    def _write(self, register: int, value: int) -> None:
        self._byte[0] = value
        self._i2c.writeto_mem(self._address, register, self._byte, addrsize=16)
