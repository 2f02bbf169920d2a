"""Stand-in for MicroPython's `micropython` module."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sim.machine_model.board import current_board

_T = TypeVar("_T")


def const(expr: _T) -> _T:
    """Compile-time constant on the device; the value itself here."""
    return expr


def kbd_intr(chr: int) -> None:
    """Set (or with -1 disable) the character that raises KeyboardInterrupt on stdin."""
    current_board().kbd_intr = None if chr < 0 else chr


def alloc_emergency_exception_buf(size: int) -> None:
    """No-op: CPython can always allocate an exception."""


def heap_lock() -> int:
    """No-op stand-in."""
    return 0


def heap_unlock() -> int:
    """No-op stand-in."""
    return 0


def opt_level(level: int | None = None) -> int:
    """Optimisation level (always 0 here)."""
    return 0


def schedule(func: Callable[[Any], None], arg: Any) -> None:
    """Run func(arg) now; there are no interrupts to defer from."""
    func(arg)


def native(func: _T) -> _T:
    """Emitter decorator: the function unchanged."""
    return func


viper = native
