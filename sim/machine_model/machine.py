"""Stand-in for MicroPython's `machine` on the simulated board bound to the calling thread.

Signatures follow the rp2 port: I2C(id, *, scl, sda, freq), Pin(id, mode, pull, *, value),
PWM(pin, *, freq, duty_u16), WDT(id=0, timeout=5000), unique_id(), reset().
"""

from __future__ import annotations

import errno
import time
from typing import NoReturn

from sim.machine_model.board import BoardReset, current_board

PWRON_RESET = 1
WDT_RESET = 3


class Pin:
    """A GPIO pin; levels live on the board so tests can read what the firmware drove."""

    IN = 0
    OUT = 1
    OPEN_DRAIN = 2
    ALT = 3
    PULL_UP = 1
    PULL_DOWN = 2
    IRQ_FALLING = 4
    IRQ_RISING = 8

    def __init__(self, id: int | str, mode: int = -1, pull: int = -1, *,
                 value: int | None = None, alt: int = -1) -> None:
        self._board = current_board()
        self._board.check()
        self.id = id
        self.mode = mode
        if value is not None:
            self.value(value)

    def value(self, x: int | None = None) -> int | None:
        """Read the level, or drive it to x."""
        if x is None:
            return self._board.pin_levels.get(self.id, 0)
        self._board.pin_levels[self.id] = 1 if x else 0
        return None

    def __call__(self, x: int | None = None) -> int | None:
        return self.value(x)

    def on(self) -> None:
        """Drive high."""
        self.value(1)

    def off(self) -> None:
        """Drive low."""
        self.value(0)

    def toggle(self) -> None:
        """Invert the level."""
        self.value(0 if self.value() else 1)

    def irq(self, handler: object = None, trigger: int = IRQ_FALLING | IRQ_RISING,
            hard: bool = False) -> None:
        """Accepted and remembered; the simulated board raises no pin interrupts."""
        self._board.pin_irqs[self.id] = handler


class PWM:
    """A PWM output on a pin; each change is recorded on the board with its time."""

    def __init__(self, dest: Pin, *, freq: int | None = None, duty_u16: int | None = None,
                 invert: bool = False) -> None:
        self._board = current_board()
        self._board.check()
        self._state = self._board.pwm_state(dest.id)
        if freq is not None:
            self.freq(freq)
        if duty_u16 is not None:
            self.duty_u16(duty_u16)

    def freq(self, value: int | None = None) -> int | None:
        """Read or set the frequency in Hz."""
        if value is None:
            return self._state.freq
        if not 8 <= value <= 62_500_000:
            raise ValueError("freq out of range")
        self._state.freq = value
        return None

    def duty_u16(self, value: int | None = None) -> int | None:
        """Read or set the duty cycle, 0-65535."""
        if value is None:
            return self._state.duty_u16
        self._board.check()
        value = max(0, min(65535, value))
        if value != self._state.duty_u16:
            self._state.history.append((self._board.clock(), self._state.freq, value))
        self._state.duty_u16 = value
        return None

    def init(self, *, freq: int | None = None, duty_u16: int | None = None,
             duty_ns: int | None = None) -> None:
        """Reconfigure frequency and duty."""
        if freq is not None:
            self.freq(freq)
        if duty_u16 is not None:
            self.duty_u16(duty_u16)
        if duty_ns is not None:
            self.duty_ns(duty_ns)

    def duty_ns(self, value: int | None = None) -> int | None:
        """Read or set the pulse width in nanoseconds."""
        period_ns = 1_000_000_000 // self._state.freq if self._state.freq else 0
        if value is None:
            return period_ns * self._state.duty_u16 // 65535
        self.duty_u16(value * 65535 // period_ns if period_ns else 0)
        return None

    def deinit(self) -> None:
        """Stop the output."""
        self.duty_u16(0)


class I2C:
    """Hardware I2C: memory reads and writes go to the device models on the board's bus."""

    def __init__(self, id: int, *, scl: Pin | None = None, sda: Pin | None = None,
                 freq: int = 400_000, timeout: int = 50_000) -> None:
        board = current_board()
        board.check()
        self._board = board
        self._bus = board.i2c_bus(id)
        self._bus.freq = freq

    def scan(self) -> list[int]:
        """Addresses that acknowledge."""
        self._board.check()
        return sorted(a for a, d in self._bus.devices.items() if not getattr(d, "nack", False))

    def readfrom_mem_into(self, addr: int, memaddr: int, buf: bytearray, *,
                          addrsize: int = 8) -> None:
        """Write memaddr, repeated start, read len(buf) bytes into buf."""
        self._board.check()
        data = self._bus.device(addr).read_mem(memaddr, addrsize, len(buf))
        buf[:len(data)] = data

    def readfrom_mem(self, addr: int, memaddr: int, nbytes: int, *, addrsize: int = 8) -> bytes:
        """Like readfrom_mem_into, returning new bytes."""
        buf = bytearray(nbytes)
        self.readfrom_mem_into(addr, memaddr, buf, addrsize=addrsize)
        return bytes(buf)

    def writeto_mem(self, addr: int, memaddr: int, buf: bytes | bytearray, *,
                    addrsize: int = 8) -> None:
        """Write memaddr then buf in one transaction."""
        self._board.check()
        self._bus.device(addr).write_mem(memaddr, addrsize, bytes(buf))

    def writeto(self, addr: int, buf: bytes | bytearray, stop: bool = True) -> int:
        """Raw write: the leading bytes select a register (as many as the device's address
        size), the rest are written there. Returns the number of ACKs."""
        self._board.check()
        device = self._bus.device(addr)
        width = getattr(device, "addrsize", 8) // 8
        data = bytes(buf)
        if len(data) >= width:
            memaddr = int.from_bytes(data[:width], "big")
            self._bus.pointers[addr] = memaddr
            if len(data) > width:
                device.write_mem(memaddr, width * 8, data[width:])
        return len(data)

    def readfrom_into(self, addr: int, buf: bytearray, stop: bool = True) -> None:
        """Raw read from the register selected by the last writeto."""
        self._board.check()
        device = self._bus.device(addr)
        memaddr = self._bus.pointers.get(addr, 0)
        data = device.read_mem(memaddr, getattr(device, "addrsize", 8), len(buf))
        buf[:len(data)] = data

    def readfrom(self, addr: int, nbytes: int, stop: bool = True) -> bytes:
        """Like readfrom_into, returning new bytes."""
        buf = bytearray(nbytes)
        self.readfrom_into(addr, buf, stop)
        return bytes(buf)


class WDT:
    """The watchdog: once started it cannot be stopped; the board resets when it is not fed."""

    def __init__(self, id: int = 0, timeout: int = 5000) -> None:
        board = current_board()
        board.check()
        if not 1 <= timeout <= 8388:
            raise ValueError("timeout out of range")
        self._board = board
        board.watchdog_timeout_ms = timeout
        board.watchdog_fed_at = board.clock()

    def feed(self) -> None:
        """Restart the countdown."""
        self._board.check()
        self._board.watchdog_fed_at = self._board.clock()


def unique_id() -> bytes:
    """The board's 8-byte flash unique id."""
    return current_board().unique_id


def reset() -> NoReturn:
    """Hard reset: the firmware starts again from boot."""
    raise BoardReset("machine.reset")


def soft_reset() -> NoReturn:
    """Soft reset: treated as a reset on the simulated board."""
    raise BoardReset("machine.soft_reset")


def freq(hz: int | None = None) -> int:
    """CPU frequency (the RP2040 default)."""
    return 125_000_000


def idle() -> None:
    """Wait briefly for an interrupt."""
    current_board().check()
    time.sleep(0.001)


def reset_cause() -> int:
    """Why the board last reset."""
    return PWRON_RESET


def disable_irq() -> int:
    """No interrupts are simulated; returns the state to restore."""
    return 0


def enable_irq(state: int = 0) -> None:
    """No interrupts are simulated."""


__all__ = ["I2C", "PWM", "Pin", "WDT", "errno", "freq", "idle", "reset", "reset_cause",
           "soft_reset", "unique_id"]
