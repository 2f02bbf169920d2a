"""A local calendar day of events: its UTC bounds, and scans with staff overrides applied."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TZ = "Asia/Ho_Chi_Minh"
# A traveller staff let through or turned away is no ward's business.
UNWATCHED_OUTCOMES = ("clear", "rejected")


def zone(name: str) -> ZoneInfo:
    """A time zone by IANA name; raises ValueError naming it when unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day, in UTC."""
    start = datetime.combine(day, time(0), tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def parse_day(text: str, tz: ZoneInfo, now: datetime) -> date:
    """`YYYY-MM-DD`, `today` or `yesterday` (local); raises ValueError otherwise."""
    today = now.astimezone(tz).date()
    if text == "today":
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    return date.fromisoformat(text)


def event_at(event: dict[str, Any]) -> datetime:
    """The `at` of an event as an aware UTC datetime."""
    return datetime.fromisoformat(str(event["at"]).replace("Z", "+00:00")).astimezone(UTC)


def effective_scans(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The scans among `events`, each with the outcome of its latest staff override.

    An overridden scan keeps its original outcome as `kiosk_outcome`; the override's reason
    is added to its reasons, so reports and ward lists show what staff finally decided.
    """
    scans: dict[str, dict[str, Any]] = {}
    overrides: dict[str, dict[str, Any]] = {}
    for event in events:
        if event.get("type") == "scan":
            scans[str(event["event_id"])] = event
        elif event.get("type") == "staff_action" and event.get("action") == "override":
            target = str(event.get("scan_event_id"))
            latest = overrides.get(target)
            if latest is None or (event["at"], event["seq"]) > (latest["at"], latest["seq"]):
                overrides[target] = event
    result = []
    for event_id, scan in sorted(scans.items(), key=lambda item: (item[1]["at"], item[0])):
        override = overrides.get(event_id)
        if override is not None and override.get("outcome"):
            scan = {**scan, "kiosk_outcome": scan["outcome"], "outcome": override["outcome"],
                    "reasons": [*scan.get("reasons", []), "staff_override"]}
            if override["outcome"] in UNWATCHED_OUTCOMES:
                scan["notify_ward"] = None
        result.append(scan)
    return result
