"""Repeat-read window: a code held in view is decoded many times a second but reported once."""

from __future__ import annotations

import time
from collections.abc import Callable


class RepeatFilter:
    """Admits a code text once, then suppresses it while it keeps being seen within the window.

    Each sighting restarts the window, so a code held steadily in front of the camera stays
    suppressed; it is reported again after it has been out of sight for `window_s` seconds.
    """

    def __init__(self, window_s: float = 3.0, clock: Callable[[], float] = time.monotonic,
                 max_entries: int = 1024) -> None:
        if window_s < 0:
            raise ValueError("window_s must be >= 0")
        self.window_s = window_s
        self._clock = clock
        self._max_entries = max_entries
        self._last_seen: dict[str, float] = {}

    def admit(self, text: str) -> bool:
        """True if this sighting should be reported (first in its window)."""
        now = self._clock()
        last = self._last_seen.pop(text, None)
        self._last_seen[text] = now
        self._forget_old(now)
        return last is None or now - last > self.window_s

    def forget(self, text: str) -> None:
        """Allow the next sighting of `text` at once (e.g. staff asked for a re-scan)."""
        self._last_seen.pop(text, None)

    def _forget_old(self, now: float) -> None:
        # Entries are kept in sighting order, oldest first.
        for text, seen in list(self._last_seen.items()):
            if now - seen <= self.window_s and len(self._last_seen) <= self._max_entries:
                break
            del self._last_seen[text]
