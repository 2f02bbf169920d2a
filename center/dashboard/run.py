"""Running the dashboard: beside this instance's ingest, or as a viewer of another's store.

A viewer (`--view`, and every browser session of `--serve`) ingests nothing: it reads the
store read-only (the SQLite file, or a read-only PostgreSQL session), and states and alerts
from the broker, so any number can watch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime

from center.config import CenterConfig
from center.dashboard.app import CenterDashboard
from center.dashboard.snapshot import Snapshot, take_snapshot
from center.live import LiveLink
from center.queries import TodayCounts
from center.service import CenterService
from center.settings import CenterSections
from center.store import Store
from center.watch import CenterWatch


def snapshot_source(watch: CenterWatch, counts: TodayCounts,
                    counters: Callable[[], dict[str, int]] | None = None,
                    ) -> Callable[[], Snapshot]:
    """A function that takes a fresh snapshot each time it is called."""
    def take() -> Snapshot:
        now = datetime.now(UTC)
        day = now.astimezone(watch.tz).date()
        return take_snapshot(watch, counts, now, counts.by_post(day, watch.tz),
                             counters() if counters else None)
    return take


def run_with_ingest(cfg: CenterConfig, sections: CenterSections) -> dict[str, object]:
    """Ingest, watch and report as `--headless` does, with the dashboard in this terminal."""
    service = CenterService(cfg, sections)
    counts = TodayCounts(cfg.store)
    service.start()
    counters = service.ingest.counters
    try:
        CenterDashboard(snapshot_source(service.watch, counts,
                                        lambda: {"stored": counters.stored,
                                                 "quarantined": counters.quarantined}),
                        service.tz, sections.dashboard.language,
                        sections.dashboard.refresh_s).run()
    finally:
        counts.close()
        service.stop()
    return asdict(counters)


def run_viewer(cfg: CenterConfig, sections: CenterSections) -> dict[str, object]:
    """Only the dashboard: no ingest, the store read-only."""
    Store(cfg.store).close()  # creates the tables if nothing ran yet
    counts = TodayCounts(cfg.store)
    live = LiveLink(cfg.broker, cfg.province, f"{cfg.instance}-view-{datetime.now(UTC):%H%M%S%f}")
    watch = CenterWatch(cfg.province, sections)
    live.attach(watch)
    live.start()
    try:
        CenterDashboard(snapshot_source(watch, counts), watch.tz, sections.dashboard.language,
                        sections.dashboard.refresh_s).run()
    finally:
        counts.close()
        live.stop()
    return {"viewer": True}
