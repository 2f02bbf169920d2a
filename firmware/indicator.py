"""RGB LED and buzzer patterns the host asks for: green pass, amber check, red stop.

Each pattern is a table of steps advanced from the main loop, so playing one never blocks
the protocol or the sampling.
"""

import utime
from micropython import const

from firmware.thermo_protocol import PATTERN_AMBER, PATTERN_COUNT, PATTERN_GREEN, PATTERN_RED

# MicroPython has no typing module; mypy treats TYPE_CHECKING as true whatever its value.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from _mpy_shed.time_mp import _TicksMs as Ticks

_FULL = const(65535)
_AMBER_GREEN = const(22000)
_TONE_DUTY = const(32768)

# Steps: (duration_ms, red, green, blue, tone_hz); tone 0 keeps the buzzer silent.
_STEPS: list[tuple] = [()] * PATTERN_COUNT
_STEPS[PATTERN_GREEN] = ((120, 0, _FULL, 0, 2000), (1380, 0, _FULL, 0, 0))
_STEPS[PATTERN_AMBER] = (
    (150, _FULL, _AMBER_GREEN, 0, 1500), (150, 0, 0, 0, 0),
    (150, _FULL, _AMBER_GREEN, 0, 1500), (150, 0, 0, 0, 0),
    (2000, _FULL, _AMBER_GREEN, 0, 0),
)
_STEPS[PATTERN_RED] = ((800, _FULL, 0, 0, 800), (2200, _FULL, 0, 0, 0))


class Indicator:
    """Plays one pattern at a time on three LED PWM channels and a buzzer PWM."""

    def __init__(self, red, green, blue, buzzer) -> None:
        self._red = red
        self._green = green
        self._blue = blue
        self._buzzer = buzzer
        self.pattern = 0
        self._step = 0
        self._step_started = utime.ticks_ms()
        self._apply_off()

    def start(self, pattern: int, now_ms: "Ticks") -> None:
        """Begin pattern (PATTERN_*) from its first step; PATTERN_OFF stops at once."""
        self.pattern = pattern
        self._step = 0
        self._step_started = now_ms
        if _STEPS[pattern]:
            self._apply(_STEPS[pattern][0])
        else:
            self._apply_off()

    def update(self, now_ms: "Ticks") -> None:
        """Advance to the next step when the current one has run its time."""
        steps = _STEPS[self.pattern]
        if not steps:
            return
        if utime.ticks_diff(now_ms, self._step_started) < steps[self._step][0]:
            return
        self._step += 1
        self._step_started = now_ms
        if self._step >= len(steps):
            self.pattern = 0
            self._apply_off()
        else:
            self._apply(steps[self._step])

    def _apply(self, step: tuple) -> None:
        self._red.duty_u16(step[1])
        self._green.duty_u16(step[2])
        self._blue.duty_u16(step[3])
        if step[4]:
            self._buzzer.freq(step[4])
            self._buzzer.duty_u16(_TONE_DUTY)
        else:
            self._buzzer.duty_u16(0)

    def _apply_off(self) -> None:
        self._red.duty_u16(0)
        self._green.duty_u16(0)
        self._blue.duty_u16(0)
        self._buzzer.duty_u16(0)
