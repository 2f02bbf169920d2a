"""An I2C bus holding register-level device models, addressed the way MicroPython's I2C is.

MicroPython-compatible: the same bus runs under CPython and inside MicroPython.
"""

import errno

# MicroPython has no typing module; mypy treats TYPE_CHECKING as true whatever its value.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Protocol

    class I2CDevice(Protocol):
        """A device model on the bus: register reads and writes by memory address."""

        def read_mem(self, memaddr: int, addrsize: int, count: int) -> bytes:
            """count bytes starting at memaddr (a repeated-start read)."""
            ...

        def write_mem(self, memaddr: int, addrsize: int, data: bytes) -> None:
            """Write data starting at memaddr."""
            ...


class I2CBusModel:
    """Devices by 7-bit address; an absent or unplugged device NACKs with OSError(EIO)."""

    def __init__(self) -> None:
        self.devices = {}  # type: dict[int, I2CDevice]
        # Register selected by each device's last raw write (I2C.writeto).
        self.pointers = {}  # type: dict[int, int]
        self.freq = 0
        self.transactions = 0

    def attach(self, address: int, device: "I2CDevice") -> None:
        """Wire device to address."""
        self.devices[address] = device

    def device(self, address: int) -> "I2CDevice":
        """The device answering at address, or the NACK MicroPython's rp2 port raises."""
        self.transactions += 1
        found = self.devices.get(address)
        if found is None or getattr(found, "nack", False):
            raise OSError(errno.EIO, "I2C NACK")
        return found
