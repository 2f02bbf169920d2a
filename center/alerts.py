"""Alerts the center raises for the steering committee, and the rules that raise them.

Pure functions over event dicts and state changes: no clock, no broker. The caller passes the
time in, publishes the returned alerts on `chot/v1/{prov}/alerts` and shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from ulid import ULID

from screening.event import utc_iso

ALERT_SCHEMA = 1
# A forged code is one whose signature does not match or whose issuer nobody trusts; an
# expired or damaged code is rejected too, but is not evidence of forgery.
FORGERY_REASONS = frozenset({"bad_signature", "unknown_key"})


class AlertKind(StrEnum):
    """What an alert is about; stable strings used on the wire."""

    FEVER = "fever"
    FORGED_CODE = "forged_code"
    POST_OFFLINE = "post_offline"
    POST_ONLINE = "post_online"
    KIOSK_OFFLINE = "kiosk_offline"
    KIOSK_ONLINE = "kiosk_online"
    FLOOD = "flood"
    CLOCK_SKEW = "clock_skew"
    QUARANTINED = "quarantined"
    DEVICE_ALARM = "device_alarm"
    UNKNOWN_KIOSK = "unknown_kiosk"
    RATE_LIMITED = "rate_limited"
    SEQUENCE_GAP = "sequence_gap"
    LINK_FLAPPING = "link_flapping"


class Severity(StrEnum):
    """How urgently someone must look."""

    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"


ALERT_TEXT: dict[AlertKind, tuple[Severity, str, str]] = {
    AlertKind.FEVER: (Severity.CRITICAL, "Người có sốt tại chốt", "Traveller with fever"),
    AlertKind.FORGED_CODE: (Severity.CRITICAL, "Mã khai báo giả mạo",
                            "Forged declaration code"),
    AlertKind.POST_OFFLINE: (Severity.CRITICAL, "Chốt mất kết nối", "Post offline"),
    AlertKind.POST_ONLINE: (Severity.INFO, "Chốt kết nối lại", "Post back online"),
    AlertKind.KIOSK_OFFLINE: (Severity.WARNING, "Máy quét mất kết nối", "Kiosk offline"),
    AlertKind.KIOSK_ONLINE: (Severity.INFO, "Máy quét kết nối lại", "Kiosk back online"),
    AlertKind.FLOOD: (Severity.WARNING, "Máy quét gửi quá nhiều sự kiện",
                      "Kiosk is flooding events"),
    AlertKind.CLOCK_SKEW: (Severity.WARNING, "Đồng hồ máy quét bị lệch", "Kiosk clock is off"),
    AlertKind.QUARANTINED: (Severity.WARNING, "Bản tin lỗi bị cách ly",
                            "Malformed message quarantined"),
    AlertKind.DEVICE_ALARM: (Severity.WARNING, "Thiết bị báo sự cố",
                             "Gateway or kiosk reports a problem"),
    AlertKind.UNKNOWN_KIOSK: (Severity.WARNING, "Máy quét lạ gửi sự kiện",
                              "Events from a kiosk not registered at the post"),
    AlertKind.RATE_LIMITED: (Severity.WARNING, "Chốt gửi quá nhanh, bản tin bị hoãn",
                             "Post over its message rate: messages held back for resending"),
    AlertKind.SEQUENCE_GAP: (Severity.WARNING, "Thiếu sự kiện trong dãy số của máy quét",
                             "Events missing from a kiosk's sequence"),
    AlertKind.LINK_FLAPPING: (Severity.WARNING, "Kết nối chập chờn: mất rồi có lại liên tục",
                              "Link flapping: offline and back again and again"),
}


@dataclass(frozen=True)
class Alert:
    """One alert: what, where, when, and a bilingual message."""

    kind: AlertKind
    at: datetime
    post: str | None = None
    kiosk: str | None = None
    event_id: str | None = None
    detail: str = ""
    count: int = 1
    alert_id: str = field(default="")
    # What this alert is about beside kind, post and kiosk when it is not an event: a device
    # alarm's start. Not on the wire; only alert_key reads it.
    basis: str = field(default="", compare=False)
    # The detail as a catalogue code and its values (screening.words.alert_detail), so each
    # reader sees it in its own language; `detail` keeps the English text for older readers.
    detail_code: str = ""
    detail_args: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def severity(self) -> Severity:
        """How urgent this kind of alert is."""
        return ALERT_TEXT[self.kind][0]

    def message(self, lang: str = "vi") -> str:
        """The alert in words, in Vietnamese or English."""
        _, vi, en = ALERT_TEXT[self.kind]
        return en if lang == "en" else vi

    def to_json(self) -> dict[str, Any]:
        """The payload published on the alerts topic (docs/schemas/alert.json)."""
        return {"schema": ALERT_SCHEMA,
                "alert_id": self.alert_id or str(ULID.from_datetime(self.at)),
                "kind": str(self.kind), "severity": str(self.severity), "at": utc_iso(self.at),
                "post": self.post, "kiosk": self.kiosk, "event_id": self.event_id,
                "detail": self.detail, "detail_code": self.detail_code,
                "detail_args": self.detail_args, "count": self.count,
                "vi": self.message("vi"), "en": self.message("en")}


def alert_from_json(data: object) -> Alert | None:
    """An alert read back from its payload (another center instance's); None if malformed."""
    if not isinstance(data, dict) or data.get("schema") != ALERT_SCHEMA:
        return None
    try:
        kind = AlertKind(str(data["kind"]))
        at = datetime.fromisoformat(str(data["at"]).replace("Z", "+00:00"))
        count = int(data.get("count") or 1)
    except (KeyError, ValueError, TypeError):
        return None
    text = {k: data.get(k) if isinstance(data.get(k), str) else None
            for k in ("post", "kiosk", "event_id")}
    code, args = data.get("detail_code"), data.get("detail_args")
    return Alert(kind, at, text["post"], text["kiosk"], text["event_id"],
                 str(data.get("detail") or ""), count, str(data.get("alert_id") or ""),
                 detail_code=code if isinstance(code, str) else "",
                 detail_args=args if isinstance(args, dict) else {})


def scan_alerts(event: dict[str, Any], at: datetime) -> list[Alert]:
    """Fever and forged-code alerts for one stored scan event (none for other events)."""
    if event.get("type") != "scan":
        return []
    alerts = []
    post, kiosk, event_id = event.get("post"), event.get("kiosk"), event.get("event_id")
    reasons = event.get("reasons") or []
    if "fever" in reasons:
        temp = event.get("temperature_c")
        if isinstance(temp, int | float):
            alerts.append(Alert(AlertKind.FEVER, at, post, kiosk, event_id, f"{temp:.1f} °C",
                                detail_code="temperature",
                                detail_args={"temperature_c": temp}))
        else:
            alerts.append(Alert(AlertKind.FEVER, at, post, kiosk, event_id, "fever",
                                detail_code="fever_unmeasured"))
    rejection = event.get("rejection")
    if rejection in FORGERY_REASONS:
        alerts.append(Alert(AlertKind.FORGED_CODE, at, post, kiosk, event_id, str(rejection),
                            detail_code="rejected", detail_args={"reason": rejection}))
    return alerts


def link_alert(post: str, kiosk: str | None, online: bool, at: datetime,
               detail: str = "", detail_code: str = "link_reason") -> Alert:
    """The alert for a post (kiosk None) or kiosk that went offline or came back; `detail`
    is why (a device code such as 'connection_lost')."""
    if kiosk is None:
        kind = AlertKind.POST_ONLINE if online else AlertKind.POST_OFFLINE
    else:
        kind = AlertKind.KIOSK_ONLINE if online else AlertKind.KIOSK_OFFLINE
    return Alert(kind, at, post=post, kiosk=kiosk, detail=detail,
                 detail_code=detail_code if detail else "",
                 detail_args={"link": detail} if detail and detail_code == "link_reason" else {})


LINK_KINDS = frozenset({AlertKind.POST_OFFLINE, AlertKind.POST_ONLINE, AlertKind.KIOSK_OFFLINE,
                        AlertKind.KIOSK_ONLINE})
# Each feverish traveller and each forged code matters; only noisy kinds are throttled.
THROTTLED_KINDS = frozenset({AlertKind.FLOOD, AlertKind.CLOCK_SKEW, AlertKind.QUARANTINED,
                             AlertKind.UNKNOWN_KIOSK, AlertKind.RATE_LIMITED,
                             AlertKind.DEVICE_ALARM, AlertKind.LINK_FLAPPING})


# Beyond this many throttle entries those past their interval are dropped.
THROTTLE_ENTRIES = 10_000


def alert_key(alert: Alert, window_s: float) -> str:
    """The same string in every center instance for the same alert: kind, post, kiosk, and
    the event it is about, the device alarm's start, the throttle window (noisy kinds, one
    per window for all instances together) or else its time (a link change is recorded once,
    so only one instance raises it)."""
    if alert.kind in THROTTLED_KINDS and window_s > 0:
        basis = f"window {int(alert.at.timestamp() // window_s)}"
    else:
        basis = alert.basis or alert.event_id or utc_iso(alert.at)
    return "|".join((str(alert.kind), alert.post or "", alert.kiosk or "", basis))


class AlertThrottle:
    """Lets one noisy alert of a kind per post/kiosk through per interval; counts the rest.

    A flooding kiosk must not flood the alerts topic too: the next alert that passes carries
    how many were held back. Fever, forged-code and link alerts always pass.
    """

    def __init__(self, interval_s: float = 300.0) -> None:
        self.interval_s = interval_s
        self._last: dict[tuple[str, str | None, str | None], datetime] = {}
        self._held: dict[tuple[str, str | None, str | None], int] = {}

    def admit(self, alert: Alert) -> Alert | None:
        """The alert to publish (with the held-back count), or None to hold it back."""
        if alert.kind not in THROTTLED_KINDS:
            return alert
        key = (str(alert.kind), alert.post, alert.kiosk)
        last = self._last.get(key)
        if last is not None and 0 <= (alert.at - last).total_seconds() < self.interval_s:
            self._held[key] = self._held.get(key, 0) + alert.count
            return None
        if len(self._last) >= THROTTLE_ENTRIES:
            self._prune(alert.at)
        self._last[key] = alert.at
        held = self._held.pop(key, 0)
        if not held:
            return alert
        return replace(alert, count=alert.count + held)

    def _prune(self, now: datetime) -> None:
        """Forget entries whose interval is over (what they held back is then lost count)."""
        for key, last in list(self._last.items()):
            if (now - last).total_seconds() >= self.interval_s:
                del self._last[key]
                self._held.pop(key, None)
