"""The live picture of every post and kiosk, built from their retained state messages.

Gateways and kiosks publish a retained `state` with a Last Will, so a center that subscribes
learns at once who is online, what each one has waiting, and which policy version it runs.
Pure: topics, payloads and times in; the view and any alerts out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from center.alerts import Alert, AlertKind, link_alert
from center.storable_json import Unreadable, loads
from infra.topics import parse_gateway_state_topic, parse_kiosk_topic

# What one state may make the center keep: the first alarms and their codes' first characters.
MAX_ALARMS = 16
MAX_CODE_CHARS = 64


@dataclass
class LinkState:
    """The last state one gateway or kiosk reported."""

    post: str
    kiosk: str | None
    online: bool = False
    since: datetime | None = None
    seen_at: datetime | None = None
    pending: int | None = None
    oldest_pending_age_s: float | None = None
    policy_version: int | None = None
    trust_version: int | None = None
    reason: str = ""
    alarms: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str | None]:
        """(post, kiosk) with kiosk None for a gateway."""
        return self.post, self.kiosk


@dataclass
class Applied:
    """What one state message did: the device's state, whether its link changed, alerts."""

    state: LinkState
    changed: bool
    alerts: list[Alert]


Admit = Callable[[str, str | None], bool]


@dataclass
class Monitor:
    """Posts (gateways) and kiosks by key, the published versions, and clock tolerance."""

    max_skew_s: float = 300.0
    gateways: dict[str, LinkState] = field(default_factory=dict)
    kiosks: dict[tuple[str, str], LinkState] = field(default_factory=dict)
    published: dict[str, int] = field(default_factory=dict)
    ignored: int = 0
    refused: int = 0  # states of devices the roster does not keep
    # When this instance's own broker link went down (None: it is up): posts are not to be
    # blamed for what the center cannot hear.
    broker_down_since: datetime | None = None

    def apply(self, topic: str, payload: bytes, received_at: datetime) -> list[Alert]:
        """Take one state message in; returns the alerts its change raises."""
        applied = self.apply_state(topic, payload, received_at)
        return applied.alerts if applied is not None else []

    def apply_state(self, topic: str, payload: bytes, received_at: datetime,
                    admit: Admit | None = None) -> Applied | None:
        """Take one state message in: the device's state, whether it went online or offline,
        and the alerts raised; None when ignored (junk, or a device `admit` refuses).

        Costs the same however many devices are known: only this device is looked at.
        """
        data = _json_object(payload)
        if data is None or data.get("schema") != 1 or data.get("status") not in (
                "online", "offline"):
            self.ignored += 1
            return None
        kiosk_topic = parse_kiosk_topic(topic)
        if kiosk_topic is not None and kiosk_topic.leaf == "state":
            key: tuple[str, str | None] = (kiosk_topic.post, kiosk_topic.kiosk)
        elif (gateway := parse_gateway_state_topic(topic)) is not None:
            key = (gateway[1], None)
        else:
            self.ignored += 1
            return None
        if admit is not None and not admit(*key):
            self.refused += 1
            return None
        state = self.state_of(*key)
        was_online = state.online if state.since is not None else None
        alerts = _update(state, data, received_at, self.max_skew_s)
        return Applied(state, was_online != state.online, alerts)

    def state_of(self, post: str, kiosk: str | None) -> LinkState:
        """The state kept for a device, made empty the first time."""
        if kiosk is None:
            return self.gateways.setdefault(post, LinkState(post, None))
        return self.kiosks.setdefault((post, kiosk), LinkState(post, kiosk))

    def seed(self, post: str, kiosk: str | None, online: bool, since: datetime) -> None:
        """Start a device from the shared link status (a center started later shows how
        long a post has really been online, not since it started itself)."""
        state = self.state_of(post, kiosk)
        if state.since is None:
            state.online, state.since = online, since

    def forget(self, post: str, kiosk: str | None) -> None:
        """Drop a device's state (no longer registered, or a learnt one pushed out)."""
        if kiosk is None:
            self.gateways.pop(post, None)
        else:
            self.kiosks.pop((post, kiosk), None)

    def apply_document(self, kind: str, payload: bytes) -> None:
        """Note the version of a retained policy or trust envelope seen on the broker."""
        data = _json_object(payload)
        version = data.get("version") if data else None
        if isinstance(version, int) and not isinstance(version, bool):
            self.published[kind] = version

    def kiosk_reachable(self, state: LinkState) -> bool:
        """A kiosk is reachable when it says online and its post's gateway is online too."""
        gateway = self.gateways.get(state.post)
        return state.online and (gateway is None or gateway.online)

    def lagging(self, kind: str = "policy") -> list[LinkState]:
        """Kiosks running an older version of `kind` than the one published."""
        target = self.published.get(kind)
        if target is None:
            return []
        attr = f"{kind}_version"
        return [k for k in self.kiosks.values() if (getattr(k, attr) or 0) < target]

    def posts(self) -> list[str]:
        """Every post seen, from gateways or kiosks, sorted."""
        return sorted(set(self.gateways) | {post for post, _ in self.kiosks})


def _update(state: LinkState, data: dict[str, Any], received_at: datetime,
            max_skew_s: float) -> list[Alert]:
    online = data["status"] == "online"
    alerts: list[Alert] = []
    if online != state.online or state.since is None:
        # The first state seen of a link that is online is no news; going offline always is.
        if state.since is not None or not online:
            alerts.append(link_alert(state.post, state.kiosk, online, received_at,
                                     str(data.get("reason") or "")))
        state.online, state.since = online, received_at
    state.seen_at = received_at
    state.reason = str(data.get("reason") or "")
    if online:
        pending = data.get("backlog", data.get("pending"))
        state.pending = pending if isinstance(pending, int) else None
        age = data.get("oldest_pending_age_s")
        state.oldest_pending_age_s = float(age) if isinstance(age, int | float) else None
        state.policy_version = _int_or_none(data.get("policy_version"))
        state.trust_version = _int_or_none(data.get("trust_version"))
        alarms = [a for a in data.get("alarms") or [] if isinstance(a, dict)][:MAX_ALARMS]
        codes = [str(a.get("code"))[:MAX_CODE_CHARS] for a in alarms]
        # Disk full, clock jumps, a refusing broker: unsafe states the center must see. One
        # alert for whatever a message newly lists: a state listing 2,000 alarms is one.
        new = [(code, alarm) for code, alarm in zip(codes, alarms, strict=True)
               if code not in state.alarms]
        if new:
            code, first = new[0]
            more = f" (+{len(new) - 1})" if len(new) > 1 else ""
            alerts.append(Alert(AlertKind.DEVICE_ALARM, received_at, state.post, state.kiosk,
                                detail=f"{code}: {str(first.get('en', ''))[:120]} "
                                f"{str(first.get('detail', ''))[:120]}".strip() + more,
                                count=len(new), basis=_alarm_basis(first),
                                detail_code="device_alarm",
                                detail_args={"alarm": code,
                                             "text": str(first.get("en", ""))[:120],
                                             "detail": str(first.get("detail", ""))[:120],
                                             "more": len(new) - 1}))
        state.alarms = codes
        skew = _clock_skew(data.get("at"), received_at)
        if skew is not None and abs(skew) > max_skew_s:
            alerts.append(Alert(AlertKind.CLOCK_SKEW, received_at, state.post, state.kiosk,
                                detail=f"clock {skew:+.0f} s from the center's",
                                detail_code="clock_off", detail_args={"skew_s": skew}))
    return alerts


def _alarm_basis(alarm: dict[str, Any]) -> str:
    # The device stamps when the alarm began, so every center instance names it alike and the
    # same code raised again later is a new alarm. Unstamped, each instance keys it by its own
    # time: a repeat across instances rather than a lost alarm.
    since = alarm.get("since")
    if isinstance(since, int | float) and not isinstance(since, bool):
        return f"{alarm.get('code')}@{since}"
    return ""


def _clock_skew(at: Any, received_at: datetime) -> float | None:
    # A state is published live, so its own timestamp shows how far the sender's clock is off;
    # a retained one read later is old, and only a clock ahead of ours is certain.
    if not isinstance(at, str):
        return None
    try:
        sent = datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return None
    if sent.tzinfo is None:
        sent = sent.replace(tzinfo=UTC)
    ahead = (sent - received_at).total_seconds()
    return ahead if ahead > 0 else None


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _json_object(payload: bytes) -> dict[str, Any] | None:
    try:
        data = loads(payload)
    except Unreadable:
        return None
    return data if isinstance(data, dict) else None
