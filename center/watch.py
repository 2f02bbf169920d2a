"""What the center does with what it receives: checks, alerts, arrival notices, the live view.

Ingest calls `check` on every event message and `on_stored` with the events it committed
for the first time; the live link calls `on_state` and `on_document`. Everything to publish
goes through one `send(topic, payload, retain)` callable, so this class does no I/O itself.

Several instances share one store and all hear every state, so an alert is published only by
the instance that first records its key in the store (`claims`); the others show it when it
comes back on the alerts topic.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any, Protocol

from ulid import ULID

from center.alerts import (
    LINK_KINDS,
    THROTTLED_KINDS,
    Alert,
    AlertKind,
    AlertThrottle,
    alert_from_json,
    alert_key,
    link_alert,
    scan_alerts,
)
from center.arrivals import Arrival, arrival_of, ward_summary
from center.day import effective_scans, zone
from center.device_states import LinkState, Monitor
from center.event_check import Accepted, Intake, Quarantined
from center.flapping import Flap, FlapGuard
from center.link_log import LinkLog
from center.queries import EventSource
from center.roster import KioskRoster
from center.sequence_gaps import Gap, GapTracker
from center.settings import CenterSections
from center.storable_json import Unreadable, dumps, loads
from center.ward_book import WardBook
from infra import topics

log = logging.getLogger(__name__)

Send = Callable[[str, bytes, bool], None]
RECENT_ALERTS = 500


class AlertSink(Protocol):
    """Where raised alerts are kept for dashboards started later (center.alert_log)."""

    def append(self, alert: Alert) -> None:
        """Keep one published alert."""
        ...


class AlertClaims(Protocol):
    """The shared record of raised alerts (center.store.Store has it)."""

    def claim_alert(self, key: str, at: datetime) -> bool:
        """True only for the first instance to record `key`."""
        ...


def _json(data: dict[str, Any]) -> bytes:
    return dumps(data)


class CenterWatch:
    """Checks, alerts, arrivals and the monitor of one center instance; thread-safe."""

    def __init__(self, province: str, sections: CenterSections, send: Send | None = None,
                 store: EventSource | None = None, links: LinkLog | None = None,
                 book: WardBook | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 claims: AlertClaims | None = None, roster: KioskRoster | None = None,
                 alert_log: AlertSink | None = None, raises_alerts: bool = True) -> None:
        self.province, self.sections = province, sections
        self.tz = zone(sections.report.timezone)
        alerts = sections.alerts
        known = frozenset(alerts.known_posts) if alerts.known_posts is not None else None
        self.roster = roster or KioskRoster(learn_cap=alerts.kiosks_per_post)
        self.intake = Intake(known, alerts.max_skew_s, alerts.flood_per_minute,
                             alerts.flood_quarantine, self.roster)
        self.throttle = AlertThrottle(alerts.throttle_s)
        self.flaps = FlapGuard(alerts.flap_changes, alerts.flap_window_s)
        self.gaps = GapTracker(alerts.gap_after_s)
        self.monitor = Monitor(alerts.max_skew_s)
        self.recent: deque[Alert] = deque(maxlen=RECENT_ALERTS)
        self.alert_counts: dict[str, int] = {}
        self._seen_alerts: set[str] = set()
        self._send, self._store, self._links, self._clock = send, store, links, clock
        self._claims, self._alert_log = claims, alert_log
        # A viewer only shows what the ingesting instances raised (from the alerts topic and
        # the alert log): raising its own would show each alert twice.
        self._raises = raises_alerts
        # After our own broker came back: offline states held until then, by device.
        self._grace_until: datetime | None = None
        self._held_wills: dict[tuple[str, str | None], datetime] = {}
        self.book = book or WardBook()
        self._lock = threading.RLock()

    def check(self, payload: bytes, post: str, kiosk: str,
              received_at: datetime) -> dict[str, Any] | Quarantined:
        """Ingest's event check: the event to store, or why it is quarantined."""
        with self._lock:
            verdict = self.intake.check(payload, post, kiosk, received_at)
            self._drop_forgotten(received_at)
            if isinstance(verdict, Quarantined):
                self._raise([verdict.alert(post, kiosk, received_at)])
                return verdict
            assert isinstance(verdict, Accepted)
            self._raise(list(verdict.alerts))
            return verdict.event

    def on_stored(self, events: list[dict[str, Any]]) -> None:
        """Alerts and arrival notices for events stored for the first time.

        Each event is handled on its own: one that cannot be announced is logged and the
        rest of the batch still is (they are stored, so no redelivery would announce them).
        """
        now = self._clock()
        with self._lock:
            for event in events:
                self._guarded(partial(self._raise_scan_alerts, event, now), event)
            touched: set[tuple[date, str]] = set()
            announced: list[tuple[Arrival, str]] = []
            for scan, status in self._scans_to_announce(events):
                arrival = self._guarded(partial(arrival_of, scan, self.tz), scan)
                if arrival is not None:
                    announced.append((arrival, status))
                elif status == "changed":
                    touched |= self._guarded(partial(self._withdraw, scan), scan) or set()
            self.book.put([(a.ward, a.local_day, a.event_id, str(a.event["outcome"]))
                           for a, _ in announced])
            for arrival, status in announced:
                self._guarded(partial(self._announce, arrival, status), arrival.event)
                touched.add((arrival.local_day, arrival.ward))
            for day, ward in sorted(touched):
                self._publish_summary(day, ward, now)

    def _raise_scan_alerts(self, event: dict[str, Any], now: datetime) -> None:
        self._raise(scan_alerts(event, now))

    def _announce(self, arrival: Arrival, status: str) -> None:
        self._publish(topics.arrivals(self.province, arrival.ward), arrival.to_json(status),
                      retain=False)

    def _guarded(self, step: Callable[[], Any], event: dict[str, Any]) -> Any:
        """Run one event's step; log and skip it if it fails (None)."""
        try:
            return step()
        except Exception:  # noqa: BLE001 - one event must not cost the batch its notices
            log.exception("center watch: event %.40r could not be announced",
                          event.get("event_id"))
            return None

    def on_gaps(self, gaps: list[Gap], now: datetime) -> None:
        """The kiosks' open sequence gaps (center.sequence_gaps); alerts those overdue."""
        with self._lock:
            self._raise(self.gaps.update(gaps, now))

    def on_held_back(self, post: str, count: int) -> None:
        """Ingest held back `count` messages of a post over its rate (throttled alert)."""
        with self._lock:
            self._raise([Alert(AlertKind.RATE_LIMITED, self._clock(), post=post, count=count,
                               detail=f"{count} messages held back; the gateway resends them",
                               detail_code="held_back", detail_args={"count": count})])

    def on_state(self, topic: str, payload: bytes, received_at: datetime) -> None:
        """A kiosk or gateway state message (retained, or a Last Will).

        Only the device it is about is looked at, so its cost does not grow with the
        province; devices the roster does not keep are ignored.
        """
        with self._lock:
            applied = self.monitor.apply_state(topic, payload, received_at,
                                               self.roster.keeps)
            self._drop_forgotten(received_at)
            if applied is None:
                return
            state, alerts = applied.state, applied.alerts
            if applied.changed and not state.online and self._holds_will(state, received_at):
                # A Last Will may be our own broker's doing (it sends everyone's when it stops
                # or restarts): alerted only once confirmed (settle), unless the device is back.
                self._held_wills[state.key] = received_at
                alerts = [a for a in alerts if a.kind not in LINK_KINDS]
            elif applied.changed:
                self._held_wills.pop(state.key, None)
                alerts = self._link_change(state, received_at, alerts)
            self._raise(alerts)

    def keeps_state(self, post: str, kiosk: str | None) -> bool:
        """Whether the store keeps this device's last state (ingest asks before writing)."""
        with self._lock:
            kept = self.roster.keeps(post, kiosk)
            self._drop_forgotten(self._clock())
            return kept

    def unkept(self, devices: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
        """Those of `devices` the roster does not keep (their stored rows are to be purged)."""
        with self._lock:
            return [d for d in devices if not self.roster.holds(*d)]

    def settle(self, now: datetime) -> None:
        """Record and alert the final state of links that stopped flapping, and the Last
        Wills held after this center's broker came back of devices still offline (run often)."""
        with self._lock:
            if self._grace_until is not None and now >= self._grace_until:
                self._grace_until = None
            confirm_s = self.sections.alerts.will_confirm_s
            due = [] if self.monitor.broker_down_since is not None or self._grace_until else \
                [(at, key) for key, at in self._held_wills.items()
                 if (now - at).total_seconds() >= confirm_s]
            for at, key in sorted(due):
                del self._held_wills[key]
                state = self._state_of(key)
                if state is not None and not state.online:
                    self._raise(self._link_change(state, at, [link_alert(
                        state.post, state.kiosk, False, at, state.reason)]))
            for key in self.flaps.settled(now):
                state = self._state_of(key)
                if state is not None and state.since is not None \
                        and self._record_change(state, state.since):
                    self._raise([link_alert(state.post, state.kiosk, state.online, now,
                                            "settled after flapping", "settled")])

    def seed_links(self, statuses: list[tuple[str, str | None, bool, datetime]]) -> None:
        """Start the monitor from the shared link status: since when each device is on or
        offline, as the instance that recorded it saw it (not since this one started)."""
        with self._lock:
            for post, kiosk, online, since in statuses:
                if self.roster.keeps(post, kiosk):
                    self.monitor.seed(post, kiosk, online, since)
            self._drop_forgotten(self._clock())

    def load_alerts(self, alerts: list[Alert]) -> None:
        """Show alerts raised before this instance started, each once, in time order."""
        with self._lock:
            new = [a for a in alerts if a.alert_id and a.alert_id not in self._seen_alerts]
            merged = sorted([*self.recent, *new], key=lambda a: (a.at, a.alert_id))
            self.recent.clear()
            self._seen_alerts.clear()
            for alert in merged[-RECENT_ALERTS:]:
                self.recent.append(alert)
                self._seen_alerts.add(alert.alert_id)
            for alert in new:
                self.alert_counts[str(alert.kind)] = self.alert_counts.get(str(alert.kind), 0) + 1

    def on_broker(self, up: bool, at: datetime) -> None:
        """This instance's own broker link went down or came back (not any post's)."""
        with self._lock:
            if up and self.monitor.broker_down_since is not None:
                self._grace_until = at + timedelta(seconds=self.sections.alerts.broker_grace_s)
            self.monitor.broker_down_since = None if up else at

    def _holds_will(self, state: LinkState, at: datetime) -> bool:
        """Whether an offline state waits for confirmation before it is alerted."""
        if self.monitor.broker_down_since is not None or (
                self._grace_until is not None and at < self._grace_until):
            return True
        return state.reason == "connection_lost" and self.sections.alerts.will_confirm_s > 0

    def _state_of(self, key: tuple[str, str | None]) -> LinkState | None:
        post, kiosk = key
        return self.monitor.gateways.get(post) if kiosk is None else \
            self.monitor.kiosks.get((post, kiosk))

    def _link_change(self, state: LinkState, at: datetime, alerts: list[Alert]) -> list[Alert]:
        """A device went online or offline: record and alert it once, or fold it into one
        link_flapping alert while it keeps changing."""
        others = [a for a in alerts if a.kind not in LINK_KINDS]
        flap = self.flaps.note(state.key, at)
        if flap is Flap.ONGOING:
            return others
        if flap is Flap.STARTED:
            return [*others, Alert(AlertKind.LINK_FLAPPING, at, state.post, state.kiosk,
                                   count=self.flaps.changes,
                                   detail=f"{self.flaps.changes} changes in "
                                   f"{self.flaps.window_s:.0f} s; further ones are held "
                                   "until it keeps still", detail_code="flapping",
                                   detail_args={"changes": self.flaps.changes,
                                                "window_s": self.flaps.window_s})]
        return alerts if self._record_change(state, at) else others

    def _drop_forgotten(self, at: datetime) -> None:
        """Learnt devices pushed out of the roster: their state goes, with one alert."""
        for post, kiosk in self.roster.take_forgotten():
            self.monitor.forget(post, kiosk)
            self.flaps.forget((post, kiosk))
            self._held_wills.pop((post, kiosk), None)
            self._raise([Alert(AlertKind.UNKNOWN_KIOSK, at, post=post, kiosk=kiosk,
                               detail=f"more devices than learnt at post {post}: "
                               f"{kiosk or 'gateway'} forgotten (set a registry)",
                               detail_code="forgotten_kiosk" if kiosk else "forgotten_gateway",
                               detail_args={"post": post, "kiosk": kiosk or ""})])

    def on_document(self, kind: str, payload: bytes) -> None:
        """A retained policy or trust envelope seen on the broker (for the rollout view)."""
        with self._lock:
            self.monitor.apply_document(kind, payload)

    def on_alert_message(self, payload: bytes) -> None:
        """An alert published by any center instance; shown once, by alert id."""
        try:
            alert = alert_from_json(loads(payload))
        except Unreadable:
            return
        if alert is None or not alert.alert_id:
            return
        with self._lock:
            if alert.alert_id in self._seen_alerts:
                return
            self._remember(alert)

    def reading(self) -> threading.RLock:
        """A lock to hold while reading the monitor from another thread (`with`)."""
        return self._lock

    def alerts(self, limit: int = 50) -> list[Alert]:
        """The newest alerts, newest first."""
        with self._lock:
            return list(self.recent)[::-1][:limit]

    def _scans_to_announce(self, events: list[dict[str, Any]],
                           ) -> list[tuple[dict[str, Any], str]]:
        # New scans (with any override in the same batch), then scans of earlier batches
        # that staff overrode now: their ward hears of the change.
        found = [(scan, "new") for scan in effective_scans(events)]
        if self._store is None:
            return found
        announced = {scan["event_id"] for scan, _ in found}
        later: dict[str, list[dict[str, Any]]] = {}
        for event in events:
            if event.get("type") == "staff_action" and event.get("action") == "override" \
                    and event.get("scan_event_id") not in announced:
                later.setdefault(str(event["scan_event_id"]), []).append(event)
        for scan_id, overrides in later.items():
            scan = self._store.event(scan_id)
            if scan is not None:
                found += [(s, "changed") for s in effective_scans([scan, *overrides])]
        return found

    def _withdraw(self, scan: dict[str, Any]) -> set[tuple[date, str]]:
        dropped = self.book.drop(str(scan["event_id"]))
        for ward, day in dropped:
            self._publish(topics.arrivals(self.province, ward),
                          Arrival(ward, scan, day).to_json("cancelled"), retain=False)
        return set((day, ward) for ward, day in dropped)

    def _publish_summary(self, day: date, ward: str, now: datetime) -> None:
        if day != now.astimezone(self.tz).date():
            return  # a late event of an earlier day must not replace today's summary
        by_outcome, last = self.book.counts(ward, day)
        self._publish(topics.arrivals(self.province, ward),
                      ward_summary(ward, day, by_outcome, last, now), retain=True)

    def _record_change(self, state: LinkState, at: datetime) -> bool:
        """Log a link change; False when another instance already did (its alert is theirs)."""
        if self._links is None:
            return True
        try:
            return self._links.record(state.post, state.kiosk, state.online, at)
        except Exception:  # noqa: BLE001 - an unreachable store must not silence the alert
            log.exception("could not log the link change of %s/%s", state.post, state.kiosk)
            return True

    def _claimed(self, alert: Alert) -> bool:
        """Whether this instance publishes the alert: the first to record its key."""
        if self._claims is None:
            return True
        try:
            return self._claims.claim_alert(
                alert_key(alert, self.sections.alerts.throttle_s), alert.at)
        except Exception:  # noqa: BLE001 - a repeated alert is better than a lost one
            log.exception("could not record the %s alert; publishing it anyway", alert.kind)
            return True

    def _raise(self, alerts: list[Alert]) -> None:
        if not self._raises:
            return
        for alert in alerts:
            passed = self.throttle.admit(self._about_known(alert))
            if passed is None or not self._claimed(passed):
                continue
            passed = replace(passed, alert_id=str(ULID.from_datetime(passed.at)))
            self._remember(passed)
            self._keep(passed)
            self._publish(topics.alerts(self.province), passed.to_json(), retain=False)

    def _about_known(self, alert: Alert) -> Alert:
        """A noisy alert about a kiosk the roster does not keep is the post's: a login making
        up kiosk ids gets one alert per kind (counting them all), and the throttle and the
        shared alert record one entry, whatever the ids."""
        if alert.kiosk is None or alert.kind not in THROTTLED_KINDS \
                or self.roster.holds(alert.post or "", alert.kiosk):
            return alert
        return replace(alert, kiosk=None, detail=f"kiosk {alert.kiosk[:32]}: {alert.detail}",
                       detail_args={**alert.detail_args, "about_kiosk": alert.kiosk[:32]})

    def _keep(self, alert: Alert) -> None:
        if self._alert_log is None:
            return
        try:
            self._alert_log.append(alert)
        except Exception:  # noqa: BLE001 - the alert is still published and shown
            log.exception("could not keep the %s alert for later dashboards", alert.kind)

    def _remember(self, alert: Alert) -> None:
        if len(self.recent) == self.recent.maxlen:
            self._seen_alerts.discard(self.recent[0].alert_id)
        self.recent.append(alert)
        self._seen_alerts.add(alert.alert_id)
        self.alert_counts[str(alert.kind)] = self.alert_counts.get(str(alert.kind), 0) + 1

    def _publish(self, topic: str, data: dict[str, Any], retain: bool) -> None:
        if self._send is not None:
            self._send(topic, _json(data), retain)
