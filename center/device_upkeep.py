"""Keeping the center's device rows to the devices it keeps, and links that stop flapping.

At start the watch is seeded from the shared link status (since when each post is online);
then, every minute, the state, status and history rows of devices the roster does not keep
(not in the registry, or learnt and pushed out) are deleted, and every few seconds links
that stopped flapping get their settled state recorded.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from center.link_log import LinkLog
from center.schedule import Every
from center.store import Store
from center.watch import CenterWatch

log = logging.getLogger(__name__)

FORGET_EVERY_S = 60.0
SETTLE_EVERY_S = 5.0


class DeviceUpkeep:
    """The watch's device housekeeping for one center instance."""

    def __init__(self, watch: CenterWatch, store: Store, links: LinkLog) -> None:
        self.watch, self.store, self.links = watch, store, links

    def start(self) -> None:
        """Seed the watch with each device's recorded status."""
        self.watch.seed_links(self.links.statuses())

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
