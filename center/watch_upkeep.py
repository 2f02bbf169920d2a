"""What the watch needs besides messages: a start from the shared records, and housekeeping.

At start the watch is seeded from the shared link status (since when each post is online)
and the day's alerts (a center restarted at noon still shows the morning's); then, every
minute, the state, status and history rows of devices the roster does not keep
(not in the registry, or learnt and pushed out) are deleted, and every few seconds links
that stopped flapping get their settled state recorded.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from center.alert_log import AlertLog
from center.link_log import LinkLog
from center.schedule import Every
from center.store import Store
from center.watch import CenterWatch

log = logging.getLogger(__name__)

FORGET_EVERY_S = 60.0
SETTLE_EVERY_S = 1.0


class WatchUpkeep:
    """The watch's start and device housekeeping for one center instance."""

    def __init__(self, watch: CenterWatch, store: Store, links: LinkLog,
                 alert_log: AlertLog) -> None:
        self.watch, self.store, self.links, self.alert_log = watch, store, links, alert_log

    def start(self) -> None:
        """Seed the watch with each device's recorded status and the day's alerts."""
        recall(self.watch, self.links, self.alert_log)

    def jobs(self) -> list[Every]:
        """The periodic jobs (the service starts and stops them)."""
        return [Every("forget-unknown-devices", FORGET_EVERY_S, self.forget_unknown),
                Every("settle-links", SETTLE_EVERY_S, self.settle)]

    def forget_unknown(self) -> int:
        """Delete the rows of devices the roster does not keep; how many devices."""
        states = self.watch.unkept(self.store.state_devices())
        links = self.watch.unkept(self.links.devices())
        if states:
            self.store.forget_states(states)
        if links:
            self.links.forget(links)
        if states or links:
            log.info("center: rows of %d devices not kept were deleted (e.g. %s/%s)",
                     len(set(states) | set(links)), *(states or links)[0])
        return len(set(states) | set(links))

    def settle(self) -> None:
        """Record the settled state of links that stopped flapping."""
        self.watch.settle(datetime.now(UTC))


def recall(watch: CenterWatch, links: LinkLog, alert_log: AlertLog) -> None:
    """Seed a watch with the recorded link status and the alerts of its local day so far."""
    watch.seed_links(links.statuses())
    watch.load_alerts(alert_log.since(day_start(watch.tz)))


def day_start(tz: ZoneInfo) -> datetime:
    """The last local midnight."""
    now = datetime.now(UTC).astimezone(tz)
    return now.replace(hour=0, minute=0, second=0, microsecond=0)
