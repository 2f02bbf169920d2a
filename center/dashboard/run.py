"""Running the dashboard: beside this instance's ingest, or as a viewer of another's store.

A viewer (`--view`, and every browser session of `--serve`) ingests nothing: it reads the
store read-only (the SQLite file, or a read-only PostgreSQL session), and states and alerts
from the broker, so any number can watch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime

from center.alert_log import AlertLog
from center.config import CenterConfig
from center.dashboard.app import CenterDashboard
from center.dashboard.snapshot import Snapshot, take_snapshot
from center.link_log import LinkLog
from center.queries import TodayCounts
from center.roster import KioskRoster
from center.service import CenterService
from center.settings import CenterSections, registry_of
from center.store import Store
from center.watch import CenterWatch
from center.watch_link import LiveLink
from center.watch_upkeep import day_start


def snapshot_source(watch: CenterWatch, counts: TodayCounts,
                    counters: Callable[[], dict[str, int]] | None = None,
                    ) -> Callable[[], Snapshot]:
    """A function that takes a fresh snapshot each time it is called."""
    def take() -> Snapshot:
        now = datetime.now(UTC)
        day = now.astimezone(watch.tz).date()
        return take_snapshot(watch, counts, now, counts.by_post(day, watch.tz),
                             counters() if counters else None,
                             counts.certificates(day, watch.tz))
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


def start_viewer(cfg: CenterConfig, sections: CenterSections) -> tuple[CenterWatch, LiveLink]:
    """A viewer's watch, connected: it raises nothing itself (the ingesting instances do),
    shows the day's alerts from the alert log and then the alerts topic, each once, and
    each post's online-since as recorded, not since the viewer started."""
    for table in (Store, LinkLog, AlertLog):
        table(cfg.store).close()  # creates the tables if nothing ran yet
    roster = KioskRoster(registry_of(cfg), sections.alerts.kiosks_per_post)
    watch = CenterWatch(cfg.province, sections, roster=roster, raises_alerts=False)
    live = LiveLink(cfg.broker, cfg.province, f"{cfg.instance}-view-{datetime.now(UTC):%H%M%S%f}")
    live.attach(watch)
    links, alert_log = LinkLog(cfg.store, read_only=True), AlertLog(cfg.store, read_only=True)
    try:
        watch.seed_links(links.statuses())  # before the retained states come in
        live.start()
        # After subscribing: alerts raised meanwhile come on the topic, the older from the log.
        watch.load_alerts(alert_log.since(day_start(watch.tz)))
    finally:
        links.close()
        alert_log.close()
    return watch, live


def run_viewer(cfg: CenterConfig, sections: CenterSections) -> dict[str, object]:
    """Only the dashboard: no ingest, the store read-only."""
    watch, live = start_viewer(cfg, sections)
    counts = TodayCounts(cfg.store)
    try:
        CenterDashboard(snapshot_source(watch, counts), watch.tz, sections.dashboard.language,
                        sections.dashboard.refresh_s).run()
    finally:
        counts.close()
        live.stop()
    return {"viewer": True}
