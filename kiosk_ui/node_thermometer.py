"""The thermometer node (hardware.thermometer.ThermometerLink) behind the UI's port."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from kiosk_ui.ports import DeviceHealth
from screening.evaluate import TemperatureReading
from screening.verdict import Outcome

# Green to pass, amber to wait for a decision, red to stop.
SIGNALS: dict[Outcome, str] = {
    Outcome.CLEAR: "green",
    Outcome.HOME_QUARANTINE: "amber",
    Outcome.CENTRAL_QUARANTINE: "red",
    Outcome.MEDICAL_CHECK: "red",
    Outcome.REJECTED: "red",
    Outcome.INCOMPLETE: "amber",
}


class NodeThermometer:
    """Readings as TemperatureReading on the wall clock; LED/buzzer by outcome."""

    def __init__(self, link: Any, clock: Callable[[], datetime]) -> None:
        self.link = link
        self._clock = clock
        self._last_scan: float | None = None

    def latest(self, now: datetime | None = None) -> TemperatureReading | None:
        """The newest fresh reading taken since the previous scan; called once per scan.

        A reading received before the previous traveller's scan was decided belongs to that
        traveller (or to someone before): it never serves a second one. `now` is the scan's
        time: the reading is stamped its age before it, so it is never in the scan's future.
        """
        reading = self.link.fresh_reading(since=self._last_scan)
        self._last_scan = self.link.now()
        if reading is None:
            return None
        return TemperatureReading(reading.object_c,
                                  (now or self._clock()) - timedelta(seconds=reading.age_s))

    def health(self) -> DeviceHealth:
        """Ready and sensor fine → ok; anything else → down with why."""
        health = self.link.health()
        if health.connected and health.thermometer_ok:
            return DeviceHealth("ok", health.port or "")
        why = health.last_fault or health.state
        return DeviceHealth("down", f"{health.port or 'no port'}: {why}")

    def signal(self, outcome: Outcome) -> None:
        """Queue the pattern; the link thread writes it (False when not ready is fine)."""
        self.link.signal(SIGNALS[outcome])
