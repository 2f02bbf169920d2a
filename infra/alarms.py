"""Unsafe states a gateway or kiosk reports instead of crashing: disk full, clock jumps,
a broker refusing our messages. Each has a bilingual message for the staff and the center."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from screening import words

TRUST_SKIPPED = "trust_entries_skipped"
STICKY_S = 600.0


@dataclass
class Alarm:
    """One active alarm."""

    code: str
    detail: str
    since: float
    sticky_until: float | None = None

    def to_json(self) -> dict[str, Any]:
        """The alarm as shown in a state payload."""
        key = f"alarm.{self.code}"
        vi, en = (words.t(key, "vi"), words.t(key, "en")) if words.known(key) \
            else (self.code, self.code)
        return {"code": self.code, "vi": vi, "en": en, "detail": self.detail,
                "since": round(self.since, 3)}


class Alarms:
    """The set of active alarms; thread-safe."""

    def __init__(self) -> None:
        self._active: dict[str, Alarm] = {}
        self._lock = threading.Lock()

    def raise_(self, code: str, detail: str = "", sticky_s: float | None = None) -> bool:
        """Raise (or refresh) an alarm; sticky ones stay visible for sticky_s even if cleared.
        Returns True when the alarm is new."""
        now = time.time()
        with self._lock:
            alarm = self._active.get(code)
            until = now + sticky_s if sticky_s else None
            if alarm is None:
                self._active[code] = Alarm(code, detail, now, until)
                return True
            alarm.detail = detail
            alarm.sticky_until = until or alarm.sticky_until
            return False

    def clear(self, code: str) -> bool:
        """Clear an alarm (sticky ones expire by themselves); True if it was active."""
        with self._lock:
            alarm = self._active.get(code)
            if alarm is None or (alarm.sticky_until and alarm.sticky_until > time.time()):
                return False
            del self._active[code]
            return True

    def active(self) -> list[Alarm]:
        """Active alarms, oldest first; expired sticky ones are dropped."""
        now = time.time()
        with self._lock:
            for code in [c for c, a in self._active.items()
                         if a.sticky_until is not None and a.sticky_until <= now]:
                del self._active[code]
            return sorted(self._active.values(), key=lambda a: a.since)

    def codes(self) -> list[str]:
        """The codes of the active alarms."""
        return [a.code for a in self.active()]


class ClockWatch:
    """Detects wall-clock jumps by comparing the wall clock with the monotonic clock."""

    def __init__(self, threshold_s: float, wall: float, mono: float) -> None:
        self.threshold_s = threshold_s
        self._offset = wall - mono

    def check(self, wall: float, mono: float) -> float | None:
        """The size of a jump since the last check (seconds, signed), or None."""
        offset = wall - mono
        jump = offset - self._offset
        self._offset = offset
        return jump if abs(jump) >= self.threshold_s else None
