"""The simulated board a firmware thread runs on: buses, pins, PWM outputs, watchdog, power."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sim.machine_model.i2c_bus import I2CBusModel


class PowerLoss(BaseException):  # noqa: N818 - named for what happens to the board
    """Raised inside the firmware thread when the simulated board loses power.

    A BaseException, like KeyboardInterrupt, so firmware `except Exception` cannot swallow it.
    """


class BoardReset(BaseException):  # noqa: N818
    """Raised inside the firmware thread by machine.reset() or an expired watchdog."""


@dataclass
class PwmState:
    """What one PWM output is doing: frequency, duty (0-65535) and a change history."""

    freq: int = 0
    duty_u16: int = 0
    history: list[tuple[float, int, int]] = field(default_factory=list)


class Board:
    """One RP2040-class board: I2C buses by id, pin levels, PWM outputs, watchdog and power."""

    def __init__(self, unique_id: bytes = b"\xe6\x61\x38\x52\x83\x2c\x4e\x2f",
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.unique_id = unique_id
        self.clock = clock
        self.i2c_buses: dict[int, I2CBusModel] = {}
        self.pin_levels: dict[int | str, int] = {}
        self.pin_irqs: dict[int | str, object] = {}
        self.pwm: dict[int | str, PwmState] = {}
        self.kbd_intr: int | None = 3
        self.watchdog_timeout_ms: int | None = None
        self.watchdog_fed_at = 0.0
        self._power = threading.Event()
        self._power.set()
        self._reset_requested = threading.Event()

    def i2c_bus(self, bus_id: int) -> I2CBusModel:
        """The bus with this id (created empty on first use)."""
        return self.i2c_buses.setdefault(bus_id, I2CBusModel())

    def pwm_state(self, pin: int | str) -> PwmState:
        """The PWM output on pin (created on first use)."""
        return self.pwm.setdefault(pin, PwmState())

    @property
    def powered(self) -> bool:
        """Whether the board has power."""
        return self._power.is_set()

    def power_off(self) -> None:
        """Cut power: the firmware thread stops at its next call into machine or utime."""
        self._power.clear()

    def power_on(self) -> None:
        """Restore power for the next boot."""
        self._reset_requested.clear()
        self.reboot()
        self._power.set()

    def reboot(self) -> None:
        """What every reset clears: the watchdog is off and Ctrl-C works until firmware says."""
        self.watchdog_timeout_ms = None
        self.kbd_intr = 3

    def request_reset(self) -> None:
        """Press the reset button: the firmware thread reboots at its next hardware call."""
        self._reset_requested.set()

    def check(self) -> None:
        """Called from every stand-in: raise if power is gone, reset pressed or watchdog bit."""
        if not self._power.is_set():
            raise PowerLoss()
        if self._reset_requested.is_set():
            self._reset_requested.clear()
            raise BoardReset("reset")
        timeout = self.watchdog_timeout_ms
        if timeout is not None and (self.clock() - self.watchdog_fed_at) * 1000 > timeout:
            raise BoardReset("watchdog")


_local = threading.local()


def bind(board: Board | None) -> None:
    """Bind the calling thread to board: its machine/utime calls act on that board."""
    _local.board = board


def current_board() -> Board:
    """The board bound to the calling thread."""
    board: Board | None = getattr(_local, "board", None)
    if board is None:
        raise RuntimeError("no simulated board is bound to this thread (sim.machine_model.bind)")
    return board
