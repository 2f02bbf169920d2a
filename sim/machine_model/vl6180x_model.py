"""Register-level model of the ST VL6180X time-of-flight proximity sensor (16-bit registers).

Single-shot ranging: writing 1 to SYSRANGE__START starts a measurement, whose result appears
in RESULT__RANGE_VAL with "new sample ready" in RESULT__INTERRUPT_STATUS_GPIO after the
convergence time; SYSTEM__INTERRUPT_CLEAR clears it. MicroPython-compatible, like
mlx90614_model.py.
"""

import time

# MicroPython has no typing module; mypy treats TYPE_CHECKING as true whatever its value.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable


def _seconds() -> float:
    """A monotonic clock in seconds: time.monotonic on CPython, ticks on MicroPython."""
    return time.ticks_ms() / 1000  # type: ignore[attr-defined]


# The platform choice, made once at import.
MONOTONIC = getattr(time, "monotonic", _seconds)

IDENTIFICATION_MODEL_ID = 0x000
SYSTEM_INTERRUPT_CLEAR = 0x015
SYSTEM_FRESH_OUT_OF_RESET = 0x016
SYSRANGE_START = 0x018
RESULT_RANGE_STATUS = 0x04D
RESULT_INTERRUPT_STATUS_GPIO = 0x04F
RESULT_RANGE_VAL = 0x062
I2C_SLAVE_DEVICE_ADDRESS = 0x212
MAX_RANGE_MM = 200
ERROR_VCSEL_CONTINUITY = 1
ERROR_MAX_CONVERGENCE = 7


class Vl6180xModel:
    """One VL6180X; target_mm is what is in front of it (None: nothing in range)."""

    def __init__(self, address: int = 0x29, target_mm: int | None = None,
                 conversion_ms: float = 4.0, clock: "Callable[[], float]" = MONOTONIC) -> None:
        self.address = address
        self.addrsize = 16
        self.target_mm = target_mm
        self.conversion_ms = conversion_ms
        self.hardware_error = False
        self.nack = False
        self.clock = clock
        self.measurements = 0
        self.power_on_reset()

    def power_on_reset(self) -> None:
        """Registers back to their power-on values."""
        self.registers = bytearray(0x1000)
        self.registers[IDENTIFICATION_MODEL_ID] = 0xB4
        self.registers[0x001] = 0x01
        self.registers[SYSTEM_FRESH_OUT_OF_RESET] = 0x01
        self.registers[I2C_SLAVE_DEVICE_ADDRESS] = self.address
        self._ready_at = None  # type: float | None

    def _finish_measurement(self) -> None:
        if self._ready_at is None or self.clock() < self._ready_at:
            return
        self._ready_at = None
        self.measurements += 1
        if self.hardware_error:
            error, distance = ERROR_VCSEL_CONTINUITY, 0
        elif self.target_mm is None or self.target_mm > MAX_RANGE_MM:
            error, distance = ERROR_MAX_CONVERGENCE, 255
        else:
            error, distance = 0, max(0, min(255, self.target_mm))
        self.registers[RESULT_RANGE_STATUS] = (error << 4) | 0x01
        self.registers[RESULT_RANGE_VAL] = distance
        self.registers[RESULT_INTERRUPT_STATUS_GPIO] = 0x04

    def read_mem(self, memaddr: int, addrsize: int, count: int) -> bytes:
        """count registers from memaddr (16-bit index, auto-incrementing)."""
        if addrsize != 16:
            raise OSError(5, "VL6180X takes 16-bit register addresses")
        self._finish_measurement()
        return bytes(self.registers[(memaddr + i) & 0xFFF] for i in range(count))

    def write_mem(self, memaddr: int, addrsize: int, data: bytes) -> None:
        """Write registers from memaddr; starting or clearing a measurement has effects."""
        if addrsize != 16:
            raise OSError(5, "VL6180X takes 16-bit register addresses")
        for i, value in enumerate(data):
            register = (memaddr + i) & 0xFFF
            if register == SYSRANGE_START and value & 0x01:
                self._ready_at = self.clock() + self.conversion_ms / 1000
            elif register == SYSTEM_INTERRUPT_CLEAR:
                self.registers[RESULT_INTERRUPT_STATUS_GPIO] = 0
            else:
                self.registers[register] = value
