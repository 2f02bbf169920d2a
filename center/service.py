"""One center instance put together: ingest, the watch and its live link, the daily report,
the sequence-gap check and the retention purge."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from center.alert_log import AlertLog
from center.config import CenterConfig
from center.day import zone
from center.ingest import CenterIngest
from center.link_log import LinkLog
from center.queries import daily_report
from center.registry import Registry
from center.report import DailyReport
from center.retention import PURGE_EVERY_S, Purged, purge
from center.roster import KioskRoster
from center.schedule import Every, ReportScheduler
from center.sequence_gaps import CHECK_EVERY_S, sequence_gaps
from center.settings import CenterSections, registry_of, sections_of
from center.store import Store
from center.stores import open_database
from center.ward_book import WardBook
from center.watch import CenterWatch
from center.watch_link import LiveLink
from center.watch_upkeep import WatchUpkeep

log = logging.getLogger(__name__)


def report_folder(cfg: Any, sections: CenterSections) -> Path:
    """Where daily reports are written: the configured folder or 'reports' beside the store."""
    return sections.report.folder or cfg.store.files_folder() / "reports"


def ledger_folder(cfg: Any, sections: CenterSections) -> Path:
    """Where the ledger of published policy/trust versions is kept."""
    return sections.publish.ledger or cfg.store.files_folder()


def posts_of(registry: Registry | None, sections: CenterSections) -> list[str]:
    """The province's posts, each given an event session of its own: the registry's, else
    `[alerts] known_posts`; none known, one session takes every post's events."""
    if registry is not None:
        return [post.code for post in registry.post]
    return list(sections.alerts.known_posts or [])


class CenterService:
    """Store, ingest, watch, live link and report scheduler of one center; start/stop."""

    def __init__(self, cfg: CenterConfig, sections: CenterSections | None = None) -> None:
        self.cfg = cfg
        self.sections = sections or sections_of(cfg)
        self.tz = zone(self.sections.report.timezone)
        self.store = Store(cfg.store)
        # Background scans read on a connection of their own, never holding ingest's back.
        self.reader = open_database(cfg.store, read_only=True)
        self.links = LinkLog(cfg.store)
        self.book = WardBook(cfg.store)
        self.alert_log = AlertLog(cfg.store)
        self.live = LiveLink(cfg.broker, cfg.province, f"{cfg.instance}-live")
        registry = registry_of(cfg)
        # Learning, the devices heard before a restart are learnt first (not kept for good).
        roster = KioskRoster(registry, self.sections.alerts.kiosks_per_post,
                             [*self.links.devices(), *self.store.kiosks()])
        self.watch = CenterWatch(cfg.province, self.sections, self.live.send, self.store,
                                 self.links, self.book, claims=self.store, roster=roster,
                                 alert_log=self.alert_log)
        self.upkeep = WatchUpkeep(self.watch, self.store, self.links, self.alert_log)
        self.live.attach(self.watch)
        self.ingest = CenterIngest(cfg, self.store, check=self.watch.check,
                                   on_stored=self.watch.on_stored,
                                   on_held_back=self.watch.on_held_back,
                                   keep_state=self.watch.keeps_state,
                                   posts=posts_of(registry, self.sections))
        self.stored_total: int | None = None
        report = self.sections.report
        self.scheduler = ReportScheduler(self.report, report.local_time(), self.tz,
                                         report_folder(cfg, self.sections), list(report.formats))
        self.jobs = [Every("sequence-gaps", CHECK_EVERY_S, self.check_sequences),
                     Every("retention-purge", PURGE_EVERY_S, self.purge),
                     *self.upkeep.jobs()]

    def report(self, day: date, now: datetime | None = None) -> DailyReport:
        """The daily report of a local day, as of now."""
        return daily_report(self.store, self.links, self.cfg.province, day, self.tz,
                            now or datetime.now(UTC), self.sections.alerts.known_posts)

    def check_sequences(self) -> None:
        """Alert on kiosks' sequence gaps that stay open (run each minute)."""
        now = datetime.now(UTC)
        self.watch.on_gaps(sequence_gaps(self.reader, now), now)

    def purge(self) -> Purged:
        """Delete personal data older than the retention period (run each hour)."""
        done = purge(self.store, datetime.now(UTC), self.cfg.store.retention_days)
        if done.events or done.quarantined:
            log.info("retention: %d events stripped of personal data, %d quarantined "
                     "messages deleted", done.events, done.quarantined)
        return done

    def start(self) -> None:
        """Connect and start ingesting, watching and scheduling."""
        self.upkeep.start()
        self.live.start()
        self.ingest.start()
        self.scheduler.start()
        for job in self.jobs:
            job.start()

    def stop(self) -> None:
        """Stop everything and close the store."""
        for job in self.jobs:
            job.stop()
        self.scheduler.stop()
        self.ingest.stop()
        self.live.stop()
        self.stored_total = self.store.count_events()
        self.links.close()
        self.alert_log.close()
        self.book.close()
        self.reader.close()
        self.store.close()
