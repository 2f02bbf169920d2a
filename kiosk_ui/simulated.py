"""In-memory stand-ins for the journal, devices and link: the same ports, no hardware.

Used by the tests (fixed clock, fixed ids), by `chot kiosk` when a device is configured as
simulated, and wherever the real component is not wired yet.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from ulid import ULID

from kiosk_ui.ports import OFF, DeviceHealth, E, Event, OnCode, PendingStatus
from screening.evaluate import TemperatureReading
from screening.event import EventHeader
from screening.verdict import Outcome


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += timedelta(seconds=seconds)


def counting_ids(prefix: str = "01KSKTEST") -> Callable[[], str]:
    """Event ids that are the same on every run: PREFIX000…001, …002 (valid ULID letters)."""
    counter = iter(range(1, 10**9))
    return lambda: f"{prefix}{next(counter):0{26 - len(prefix)}d}"


class MemoryJournal:
    """A journal that keeps events in a list (no durability: tests and demo only)."""

    def __init__(self, post: str, kiosk: str,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 new_id: Callable[[], str] | None = None, commit_delay_s: float = 0.0) -> None:
        self.events: list[Event] = []
        self.acked = 0
        self.post, self.kiosk = post, kiosk
        self._clock = clock
        self._new_id = new_id or (lambda: str(ULID()))
        self._delay = commit_delay_s
        self._lock = threading.Lock()
        self.fail_with: str | None = None

    def record(self, make_event: Callable[[EventHeader], E]) -> E:
        """Number, store and return the event (raises OSError when told to fail)."""
        with self._lock:
            if self.fail_with:
                raise OSError(self.fail_with)
            header = EventHeader(self._new_id(), len(self.events) + 1, self.post, self.kiosk,
                                 self._clock())
            event = make_event(header)
            if self._delay:
                time.sleep(self._delay)
            self.events.append(event)
            return event

    def pending(self) -> PendingStatus:
        """Events after the last acknowledged one."""
        with self._lock:
            waiting = self.events[self.acked:]
        if not waiting:
            return PendingStatus(0, None)
        age = (self._clock() - waiting[0].header.at).total_seconds()
        return PendingStatus(len(waiting), max(0.0, age))


class SimThermometer:
    """A thermometer whose reading, health and signals the test controls."""

    def __init__(self, clock: Callable[[], datetime], celsius: float | None = 36.6,
                 reading_age_s: float = 2.0) -> None:
        self._clock = clock
        self.celsius = celsius
        self.reading_age_s = reading_age_s
        self.state: DeviceHealth = DeviceHealth("ok")
        self.signals: list[Outcome] = []

    def latest(self, now: datetime | None = None) -> TemperatureReading | None:
        """The set reading, taken `reading_age_s` before now (the scan's time by default)."""
        if self.celsius is None or self.state.state != "ok":
            return None
        return TemperatureReading(self.celsius, (now or self._clock())
                                  - timedelta(seconds=self.reading_age_s))

    def health(self) -> DeviceHealth:
        """The set health."""
        return self.state

    def signal(self, outcome: Outcome) -> None:
        """Remember the LED/buzzer signal."""
        self.signals.append(outcome)


class SimLink:
    """A gateway link whose state the test sets."""

    def __init__(self, state: DeviceHealth | None = None) -> None:
        self.state = state or DeviceHealth("ok")

    def health(self) -> DeviceHealth:
        """The set state."""
        return self.state


class ScriptedInput:
    """A code input that delivers given texts, by test call or on a timer thread."""

    def __init__(self, name: str, codes: Iterable[str] = (), interval_s: float = 0.0) -> None:
        self.name = name
        self._codes = list(codes)
        self._interval = interval_s
        self._on_code: OnCode | None = None
        self._stop = threading.Event()
        self.state: DeviceHealth = DeviceHealth("ok")

    def start(self, on_code: OnCode) -> None:
        """Remember the callback; with an interval, play the codes on a thread."""
        self._on_code = on_code
        if self._interval and self._codes:
            threading.Thread(target=self._play, name=f"sim-{self.name}", daemon=True).start()

    def _play(self) -> None:
        for text in self._codes:
            if self._stop.wait(self._interval):
                return
            self.feed(text)

    def feed(self, text: str) -> None:
        """Deliver one code now, stamped as decoded now."""
        if self._on_code is not None:
            self._on_code(text, self.name, time.perf_counter())

    def stop(self) -> None:
        """Stop playing."""
        self._stop.set()

    def health(self) -> DeviceHealth:
        """The set health."""
        return self.state


class SimCamera(ScriptedInput):
    """A camera with several sources whose frames are a test pattern."""

    def __init__(self, sources: list[str], fps: float = 15.0, codes: Iterable[str] = (),
                 interval_s: float = 0.0) -> None:
        super().__init__("camera", codes, interval_s)
        self.sources = sources or ["sim://camera"]
        self.selected = 0
        self.fps = fps
        self.fail_sources: set[str] = set()

    def select(self, index: int) -> None:
        """Switch source; raises OSError for sources marked as failing."""
        source = self.sources[index]
        if source in self.fail_sources:
            raise OSError(f"cannot open {source}")
        self.selected = index

    def health(self) -> DeviceHealth:
        """Down with a reason, or ok with the frame rate."""
        if self.state.state != "ok":
            return self.state
        return DeviceHealth("ok", self.sources[self.selected], self.fps)

    def latest_frame(self) -> Any | None:
        """A fixed colour-bar test pattern (numpy BGR)."""
        import numpy as np

        if self.state.state != "ok":
            return None
        frame = np.zeros((96, 160, 3), dtype=np.uint8)
        bars = [(255, 255, 255), (0, 255, 255), (255, 255, 0), (0, 255, 0),
                (255, 0, 255), (0, 0, 255), (255, 0, 0), (40, 40, 40)]
        for i, colour in enumerate(bars):
            frame[:64, i * 20:(i + 1) * 20] = colour
        frame[64:, :] = np.linspace(0, 255, 160, dtype=np.uint8)[None, :, None]
        return frame


__all__ = ["OFF", "FixedClock", "MemoryJournal", "ScriptedInput", "SimCamera", "SimLink",
           "SimThermometer", "counting_ids"]
