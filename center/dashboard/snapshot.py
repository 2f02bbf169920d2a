"""Everything the dashboard shows at one moment, gathered off the UI thread."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from center.alerts import Alert
from center.device_states import LinkState
from center.watch import CenterWatch


@dataclass(frozen=True)
class PostRow:
    """One post: its gateway's link, backlog, policy, kiosks online and scans today."""

    post: str
    online: bool | None  # None: no gateway state heard yet
    since: datetime | None
    backlog: int | None
    oldest_pending_age_s: float | None
    policy_version: int | None
    kiosks_online: int
    kiosks_total: int
    scans_today: int
    alarms: tuple[str, ...] = ()


@dataclass(frozen=True)
class KioskRow:
    """One kiosk: reachable or not, what waits on it, versions in force, whether it lags."""

    post: str
    kiosk: str
    online: bool
    reachable: bool
    pending: int | None
    policy_version: int | None
    trust_version: int | None
    lagging: bool
    alarms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Snapshot:
    """The dashboard's data at `taken_at`."""

    province: str
    taken_at: datetime
    posts: list[PostRow]
    kiosks: list[KioskRow]
    hourly: list[Counter[str]]
    fevers: int
    alerts: list[Alert]
    published_policy: int | None
    published_trust: int | None
    counters: dict[str, int] = field(default_factory=dict)
    # Since when this center cannot reach its own broker (None: it can); the posts' links
    # are then unknown, not offline.
    broker_down_since: datetime | None = None
    # Today's decided scans with a foreign certificate, by (type, issuing country or "").
    certificates: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def totals(self) -> Counter[str]:
        """Today's scans by outcome."""
        total: Counter[str] = Counter()
        for hour in self.hourly:
            total.update(hour)
        return total

    @property
    def rollout(self) -> tuple[int, int]:
        """(kiosks running the published policy, kiosks known)."""
        return sum(not k.lagging for k in self.kiosks), len(self.kiosks)

    @property
    def trust_rollout(self) -> tuple[int, int]:
        """(kiosks holding the published trust list or newer, kiosks known)."""
        published = self.published_trust or 0
        return (sum(k.trust_version is not None and k.trust_version >= published
                    for k in self.kiosks), len(self.kiosks))


class HourlySource(Protocol):
    """Scans per local hour (center.queries.TodayCounts)."""

    def hourly(self, day: date, tz: ZoneInfo) -> tuple[list[Counter[str]], int]:
        """(per-hour outcome counts, fevers) of a day."""
        ...


def take_snapshot(watch: CenterWatch, counts: HourlySource | None, now: datetime,
                  scans_by_post: dict[str, int] | None = None,
                  counters: dict[str, int] | None = None,
                  certificates: Counter[tuple[str, str]] | None = None) -> Snapshot:
    """Read the watch's monitor and alerts and the store's counts into a Snapshot."""
    with watch.reading():
        monitor = watch.monitor
        published = dict(monitor.published)
        kiosk_states = sorted(monitor.kiosks.values(), key=lambda s: s.key)
        gateways = dict(monitor.gateways)
        lagging = {s.key for s in monitor.lagging("policy")}
        kiosks = [_kiosk_row(s, monitor.kiosk_reachable(s), s.key in lagging)
                  for s in kiosk_states]
        # Configured posts never heard from are listed too: silence is news.
        known = watch.sections.alerts.known_posts or []
        posts = [_post_row(post, gateways.get(post), kiosks, (scans_by_post or {}).get(post, 0))
                 for post in sorted(set(monitor.posts()) | set(known))]
        alerts = watch.alerts(30)
        broker_down_since = monitor.broker_down_since
    if broker_down_since is not None:
        posts = [replace(row, online=None, since=None) for row in posts]
    day = now.astimezone(watch.tz).date()
    hourly, fevers = counts.hourly(day, watch.tz) if counts else ([Counter() for _ in range(24)],
                                                                  0)
    return Snapshot(watch.province, now, posts, kiosks, hourly, fevers, alerts,
                    published.get("policy"), published.get("trust"), dict(counters or {}),
                    broker_down_since, Counter(certificates or {}))


def _kiosk_row(state: LinkState, reachable: bool, lagging: bool) -> KioskRow:
    return KioskRow(state.post, state.kiosk or "", state.online, reachable, state.pending,
                    state.policy_version, state.trust_version, lagging, tuple(state.alarms))


def _post_row(post: str, gateway: LinkState | None, kiosks: list[KioskRow],
              scans: int) -> PostRow:
    mine = [k for k in kiosks if k.post == post]
    return PostRow(post, gateway.online if gateway else None,
                   gateway.since if gateway else None,
                   gateway.pending if gateway else None,
                   gateway.oldest_pending_age_s if gateway else None,
                   gateway.policy_version if gateway else None,
                   sum(k.reachable for k in mine), len(mine), scans,
                   tuple(gateway.alarms) if gateway else ())
