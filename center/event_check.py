"""The check every inbound event message passes before it is stored: accept or quarantine.

Pure: bytes, the topic's post/kiosk and the time of receipt in; a verdict out. Nothing a
kiosk or an attacker sends can make it raise. Accepted events may carry warnings (a kiosk
clock far ahead) that become alerts; the event is still stored, since the scan did happen.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from center.alerts import Alert, AlertKind
from center.roster import KioskRoster
from center.storable_json import Unreadable, loads
from infra.event_contract import schema_problem

ULID_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
SUPPORTED_SCHEMAS = frozenset({1})
MAX_PAYLOAD_BYTES = 64 * 1024
# Outside this window a kiosk's clock is broken, not skewed (a Pi without its RTC boots in
# 1970); filing such events under that day would corrupt the reports, so they wait aside.
EARLIEST_EVENT = datetime(2020, 1, 1, tzinfo=UTC)
FAR_AHEAD_S = 86_400.0


@dataclass(frozen=True)
class Accepted:
    """An event that may be stored, with alerts its arrival raises (e.g. clock skew)."""

    event: dict[str, Any]
    alerts: tuple[Alert, ...] = ()


@dataclass(frozen=True)
class Quarantined:
    """A message kept aside, not stored as an event, and why."""

    reason: str  # too_large | malformed_json | not_an_object | unknown_schema | invalid_event
    #              | topic_mismatch | unknown_post | unknown_kiosk | too_many_kiosks | bad_time
    #              | flood
    detail: str
    event_id: str | None = None
    # False: kept aside but not acknowledged, so the gateway sends it again later (a kiosk
    # the registry does not list yet is stored once it is added).
    acknowledge: bool = True

    def alert(self, post: str | None, kiosk: str | None, at: datetime) -> Alert:
        """The alert that tells the center a message was quarantined."""
        kind = {"flood": AlertKind.FLOOD, "bad_time": AlertKind.CLOCK_SKEW,
                "unknown_kiosk": AlertKind.UNKNOWN_KIOSK,
                "too_many_kiosks": AlertKind.UNKNOWN_KIOSK}.get(self.reason,
                                                                AlertKind.QUARANTINED)
        return Alert(kind, at, post=post, kiosk=kiosk, event_id=self.event_id,
                     detail=f"{self.reason}: {self.detail}", detail_code="quarantined",
                     detail_args={"quarantine": self.reason, "text": self.detail})


def check_event(payload: bytes, post: str, kiosk: str, received_at: datetime,
                known_posts: frozenset[str] | None = None,
                max_skew_s: float = 300.0) -> Accepted | Quarantined:
    """Decide whether an event message from the topic of `post`/`kiosk` may be stored."""
    if len(payload) > MAX_PAYLOAD_BYTES:
        return Quarantined("too_large", f"{len(payload)} bytes > {MAX_PAYLOAD_BYTES}")
    try:
        data = loads(payload)
    except Unreadable as exc:
        return Quarantined("malformed_json", str(exc)[:200])
    if not isinstance(data, dict):
        return Quarantined("not_an_object", type(data).__name__)
    # Only a well-formed id is acknowledged; any other could name nothing a gateway holds.
    event_id = data.get("event_id") if isinstance(data.get("event_id"), str) \
        and ULID_RE.match(data["event_id"]) else None
    schema = data.get("schema")
    # `schema` may be any JSON value: a list is unhashable, and True == 1.
    if not isinstance(schema, int) or isinstance(schema, bool) \
            or schema not in SUPPORTED_SCHEMAS:
        return Quarantined("unknown_schema", f"schema {schema!r:.40} not in "
                           f"{sorted(SUPPORTED_SCHEMAS)}", event_id)
    problem = schema_problem(data)
    if problem is not None:
        return Quarantined("invalid_event", problem, event_id)
    if data["post"] != post or data["kiosk"] != kiosk:
        return Quarantined("topic_mismatch", f"payload says {data['post']}/{data['kiosk']}, "
                           f"topic says {post}/{kiosk}", event_id)
    if known_posts is not None and post not in known_posts:
        return Quarantined("unknown_post", post, event_id)
    try:
        at = event_time(data)
    except (ValueError, OverflowError):  # e.g. a leap second, valid RFC 3339 but not for us
        return Quarantined("bad_time", f"at {data['at']!r} is not a usable time", event_id)
    ahead = (at - received_at).total_seconds()
    if at < EARLIEST_EVENT or ahead > max(FAR_AHEAD_S, max_skew_s):
        return Quarantined("bad_time", f"at {data['at']} is {ahead:+.0f} s from the center's "
                           "clock: the kiosk clock is wrong", event_id)
    # Events may arrive hours late after an uplink cut, but never from the future.
    if ahead > max_skew_s:
        skew = Alert(AlertKind.CLOCK_SKEW, received_at, post=post, kiosk=kiosk,
                     event_id=event_id, detail=f"event time {ahead:.0f} s ahead of the center",
                     detail_code="event_ahead", detail_args={"ahead_s": ahead})
        return Accepted(data, (skew,))
    return Accepted(data)


def event_time(event: dict[str, Any]) -> datetime:
    """The `at` of a validated event as an aware datetime."""
    return datetime.fromisoformat(str(event["at"]).replace("Z", "+00:00")).astimezone(UTC)


class FloodGuard:
    """Caps how many events one kiosk may record per minute of event time.

    A person takes seconds to scan, so a kiosk recording more than `per_minute` events in one
    minute is broken or hostile. Event time, not arrival time, is counted: a gateway draining
    hours of backlog delivers thousands a second, and that is fine. A redelivered event (same
    id) is not counted twice.
    """

    def __init__(self, per_minute: int = 60, kiosks_tracked: int = 10_000) -> None:
        self.per_minute = per_minute
        self._seen: OrderedDict[tuple[str, str], dict[int, set[str]]] = OrderedDict()
        self._kiosks_tracked = kiosks_tracked

    def admit(self, post: str, kiosk: str, event_id: str, at: datetime) -> bool:
        """Count an event; False when its kiosk is over the cap for that minute."""
        key = (post, kiosk)
        minutes = self._seen.get(key)
        if minutes is None:
            minutes = self._seen[key] = {}
            if len(self._seen) > self._kiosks_tracked:
                self._seen.popitem(last=False)
        self._seen.move_to_end(key)
        minute = int(at.timestamp() // 60)
        ids = minutes.setdefault(minute, set())
        if event_id in ids:
            return True
        if len(ids) >= self.per_minute:
            return False
        ids.add(event_id)
        if len(minutes) > 120:
            for old in sorted(minutes)[:-60]:
                del minutes[old]
        return True


@dataclass
class Intake:
    """Inbound checks in the order ingest applies them: shape, the post's kiosks, the flood cap.

    Events over the cap are stored with a flood alert by default, since each was committed
    in a kiosk's journal and nothing may be lost; `flood_quarantine` keeps them out of the
    events (and so out of reports) instead.
    """

    known_posts: frozenset[str] | None = None
    max_skew_s: float = 300.0
    per_minute: int = 60
    flood_quarantine: bool = False
    roster: KioskRoster | None = None

    def __post_init__(self) -> None:
        self._flood = FloodGuard(self.per_minute)

    def check(self, payload: bytes, post: str, kiosk: str,
              received_at: datetime) -> Accepted | Quarantined:
        """Check one message; a kiosk over its cap raises a flood alert per extra event."""
        verdict = check_event(payload, post, kiosk, received_at, self.known_posts,
                              self.max_skew_s)
        if isinstance(verdict, Quarantined):
            return verdict
        event = verdict.event
        refusal = self.roster.refusal(post, kiosk) if self.roster is not None else None
        if refusal is not None:
            return Quarantined(*refusal, event["event_id"], acknowledge=False)
        if self._flood.admit(post, kiosk, event["event_id"], event_time(event)):
            return verdict
        flood = Quarantined("flood", f"over {self.per_minute} events in one minute",
                            event["event_id"])
        if self.flood_quarantine:
            return flood
        return Accepted(event, (*verdict.alerts, flood.alert(post, kiosk, received_at)))
