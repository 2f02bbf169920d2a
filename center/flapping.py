"""Links that go offline and back again and again: one `link_flapping` alert, not hundreds.

Pure: each change of a device's link is noted with its time. A device that changes `changes`
times within `window_s` is flapping: its further changes raise no link alert and add no row
to the link history until it has kept still for `window_s`; then its settled state is
recorded once. 1,000 toggles of one post are then a few alerts and rows, not 1,000 of each.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime
from enum import Enum

Key = tuple[str, str | None]


class Flap(Enum):
    """What one change of a link is."""

    STEADY = "steady"  # an ordinary change: record and alert it
    STARTED = "started"  # the change that makes the link flapping: one link_flapping alert
    ONGOING = "ongoing"  # a further change while flapping: nothing


class FlapGuard:
    """The recent link changes of each device (bounded by `changes` times per device)."""

    def __init__(self, changes: int = 4, window_s: float = 300.0) -> None:
        self.changes, self.window_s = changes, window_s
        self._times: dict[Key, deque[datetime]] = {}
        self._flapping: dict[Key, datetime] = {}  # device -> its last change

    def note(self, key: Key, at: datetime) -> Flap:
        """One change of a device's link at `at`."""
        if key in self._flapping:
            self._flapping[key] = at
            return Flap.ONGOING
        times = self._times.setdefault(key, deque(maxlen=self.changes))
        times.append(at)
        if len(times) == self.changes and (at - times[0]).total_seconds() <= self.window_s:
            del self._times[key]
            self._flapping[key] = at
            return Flap.STARTED
        return Flap.STEADY

    def flapping(self, key: Key) -> bool:
        """Whether a device's link changes are being held back now."""
        return key in self._flapping

    def settled(self, now: datetime) -> list[Key]:
        """Devices that flapped and have kept still for `window_s` since (no longer held)."""
        done = [key for key, last in self._flapping.items()
                if (now - last).total_seconds() >= self.window_s]
        for key in done:
            del self._flapping[key]
        return done

    def forget(self, key: Key) -> None:
        """Drop a device (no longer kept by the roster)."""
        self._times.pop(key, None)
        self._flapping.pop(key, None)
