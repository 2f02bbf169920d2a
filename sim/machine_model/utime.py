"""Stand-in for MicroPython's `utime`: ticks wrap at 2**30 as on the device, and every sleep
checks the board for power loss, reset and watchdog expiry."""

from __future__ import annotations

import time as _time

from sim.machine_model.board import current_board

_TICKS_PERIOD = 1 << 30
_TICKS_MAX = _TICKS_PERIOD - 1
_TICKS_HALFPERIOD = _TICKS_PERIOD // 2


def ticks_ms() -> int:
    """Milliseconds from an arbitrary point, wrapping at 2**30."""
    return int(current_board().clock() * 1000) & _TICKS_MAX


def ticks_us() -> int:
    """Microseconds from an arbitrary point, wrapping at 2**30."""
    return int(current_board().clock() * 1_000_000) & _TICKS_MAX


def ticks_cpu() -> int:
    """Highest-resolution ticks (microseconds here)."""
    return ticks_us()


def ticks_add(ticks: int, delta: int) -> int:
    """ticks + delta, wrapped like the device does."""
    return (ticks + delta) & _TICKS_MAX


def ticks_diff(ticks1: int, ticks2: int) -> int:
    """Signed ticks1 - ticks2 across the wrap."""
    return ((ticks1 - ticks2 + _TICKS_HALFPERIOD) & _TICKS_MAX) - _TICKS_HALFPERIOD


def sleep_ms(ms: int) -> None:
    """Sleep, waking early to stop if the board lost power or was reset."""
    board = current_board()
    board.check()
    deadline = _time.monotonic() + ms / 1000
    while True:
        remaining = deadline - _time.monotonic()
        if remaining <= 0:
            break
        _time.sleep(min(remaining, 0.01))
        board.check()


def sleep_us(us: int) -> None:
    """Sleep microseconds."""
    sleep_ms(us // 1000)


def sleep(seconds: float) -> None:
    """Sleep seconds."""
    sleep_ms(int(seconds * 1000))


def time() -> int:
    """Seconds since the epoch."""
    return int(_time.time())


def time_ns() -> int:
    """Nanoseconds since the epoch."""
    return _time.time_ns()
