"""Writing the daily report at its configured local time (default 16:00) into a folder."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from center.files import private_folder, write_private
from center.report import DailyReport
from center.report_formats import FORMATS

log = logging.getLogger(__name__)
RETRY_S = 60.0


def next_run(now: datetime, at: time, tz: ZoneInfo) -> datetime:
    """The next moment (UTC) the local clock shows `at`, strictly after `now`."""
    local = now.astimezone(tz)
    candidate = datetime.combine(local.date(), at, tz)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), at, tz)
    return candidate.astimezone(UTC)


def write_report(report: DailyReport, folder: Path, formats: list[str]) -> list[Path]:
    """Write the report in each format as `report-YYYY-MM-DD.EXT`; returns the paths."""
    private_folder(folder)
    written = []
    for fmt in formats:
        path = folder / f"report-{report.day.isoformat()}.{fmt}"
        written.append(write_private(path, FORMATS[fmt](report).encode("utf-8")))
    return written


class ReportScheduler:
    """A thread that builds and writes the day's report each day at the configured time."""

    def __init__(self, build: Callable[[date, datetime], DailyReport], at: time, tz: ZoneInfo,
                 folder: Path, formats: list[str],
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._build, self.at, self.tz = build, at, tz
        self.folder, self.formats, self._clock = folder, formats, clock
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="daily-report", daemon=True)
        self.written: list[Path] = []
        self._retry_day: date | None = None
        self.next_at = self._first_run(clock())

    def _first_run(self, now: datetime) -> datetime:
        # A center that was down at report time writes today's report as soon as it starts.
        local = now.astimezone(self.tz)
        today_at = datetime.combine(local.date(), self.at, self.tz)
        missing = not (self.folder / f"report-{local.date().isoformat()}.{self.formats[0]}"
                       ).exists() if self.formats else False
        if today_at <= local and missing:
            return today_at.astimezone(UTC)
        return next_run(now, self.at, self.tz)

    def start(self) -> None:
        """Start waiting for the next report time."""
        self._thread.start()

    def stop(self) -> None:
        """Stop waiting."""
        self._stopping.set()
        self._thread.join(5.0)

    def run_due(self) -> list[Path]:
        """Write the report if its time has come; returns the files written."""
        now = self._clock()
        if now < self.next_at:
            return []
        day = self._retry_day or self.next_at.astimezone(self.tz).date()
        try:
            paths = write_report(self._build(day, now), self.folder, self.formats)
        except Exception as exc:  # noqa: BLE001 - a full disk or a database outage: try again
            log.error("daily report for %s not written, retrying in %.0f s: %s", day,
                      RETRY_S, exc)
            self.next_at, self._retry_day = now + timedelta(seconds=RETRY_S), day
            return []
        # Only a written report moves on to the next day: an outage must not skip one.
        self.next_at, self._retry_day = next_run(now, self.at, self.tz), None
        self.written += paths
        log.info("daily report for %s written: %s", day, [str(p) for p in paths])
        return paths

    def _run(self) -> None:
        while not self._stopping.is_set():
            self.run_due()
            wait = (self.next_at - self._clock()).total_seconds()
            # Wake at least each minute: the wall clock may be set while we sleep.
            self._stopping.wait(min(max(wait, 0.5), 60.0))


class Every:
    """A thread that runs `job` now and then every `interval_s`; a failure is logged and
    tried again at the next turn (a database outage must not end the schedule)."""

    def __init__(self, name: str, interval_s: float, job: Callable[[], object]) -> None:
        self.name, self.interval_s, self._job = name, interval_s, job
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.runs = 0

    def start(self) -> None:
        """Run the first turn now, in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Stop after the current turn."""
        self._stopping.set()
        self._thread.join(5.0)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._job()
            except Exception:  # noqa: BLE001 - the next turn tries again
                log.exception("%s failed; trying again in %.0f s", self.name, self.interval_s)
            self.runs += 1
            self._stopping.wait(self.interval_s)
