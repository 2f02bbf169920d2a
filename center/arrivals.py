"""Arrival notices for destination wards (directive 002: inform the localities).

Every traveller sent to home quarantine, or whose verdict names a ward to notify, becomes a
notice on `chot/v1/{prov}/arrivals/{ward}`. The same topic carries a retained summary of the
ward's day, so a ward officer who connects late first sees the day's count, then each new
arrival. Pure functions over event dicts; publishing is `center/notices.py`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from center.spreadsheet import spreadsheet_csv
from screening.event import utc_iso
from screening.places import ward_info

ARRIVAL_SCHEMA = 1
NOTIFIED_OUTCOMES = ("home_quarantine", "central_quarantine", "medical_check")


@dataclass(frozen=True)
class Arrival:
    """One traveller a ward must know about."""

    ward: str
    event: dict[str, Any]
    local_day: date

    @property
    def event_id(self) -> str:
        """The scan event this notice comes from."""
        return str(self.event["event_id"])

    def to_json(self, status: str = "new") -> dict[str, Any]:
        """The per-arrival message (docs/schemas/arrival.json); carries personal data.

        `status` is new, changed (staff changed the verdict) or cancelled (staff let the
        traveller through: the ward need not watch them).
        """
        event = self.event
        days = int(event.get("quarantine_days") or 0)
        info = ward_info(self.ward)
        return {
            "schema": ARRIVAL_SCHEMA, "type": "arrival", "status": status, "ward": self.ward,
            "ward_name": info[0] if info else None,
            "event_id": event["event_id"], "at": event["at"], "post": event["post"],
            "kiosk": event["kiosk"], "outcome": event["outcome"],
            "reasons": list(event.get("reasons") or []), "quarantine_days": days,
            "quarantine_until": (self.local_day + timedelta(days=days)).isoformat()
            if days else None,
            "identity": event.get("identity"), "origin": event.get("origin"),
            "destination": event.get("destination"),
            "vehicle_plate": event.get("vehicle_plate", ""),
        }


def arrival_ward(event: dict[str, Any]) -> str | None:
    """The ward that must be told about this scan, or None."""
    if event.get("type") != "scan":
        return None
    if event.get("notify_ward"):
        return str(event["notify_ward"])
    destination = event.get("destination") or {}
    if event.get("outcome") == "home_quarantine" and destination.get("ward"):
        return str(destination["ward"])
    return None


def arrival_of(event: dict[str, Any], tz: ZoneInfo) -> Arrival | None:
    """The arrival notice for a scan event, or None when no ward needs to know."""
    ward = arrival_ward(event)
    if ward is None:
        return None
    at = datetime.fromisoformat(str(event["at"]).replace("Z", "+00:00"))
    return Arrival(ward, event, at.astimezone(tz).date())


def ward_summary(ward: str, day: date, by_outcome: Counter[str], last_event_id: str | None,
                 now: datetime) -> dict[str, Any]:
    """The retained summary of a ward's arrivals on one local day (no personal data)."""
    info = ward_info(ward)
    return {"schema": ARRIVAL_SCHEMA, "type": "summary", "ward": ward,
            "ward_name": info[0] if info else None, "date": day.isoformat(),
            "updated_at": utc_iso(now), "total": sum(by_outcome.values()),
            "by_outcome": {o: by_outcome.get(o, 0) for o in NOTIFIED_OUTCOMES},
            "last_event_id": last_event_id}


EXPORT_COLUMNS = ("event_id", "at_local", "post", "kiosk", "outcome", "quarantine_days",
                  "quarantine_until", "name", "id_number", "date_of_birth", "phone",
                  "origin", "vehicle_plate", "reasons")


def export_csv(arrivals: list[Arrival], tz: ZoneInfo) -> str:
    """A ward's arrival list as CSV, every cell safe to open in a spreadsheet."""
    rows = (export_row(arrival, tz) for arrival in arrivals)
    return spreadsheet_csv([EXPORT_COLUMNS, *([row[key] for key in EXPORT_COLUMNS]
                                              for row in rows)])


def export_row(arrival: Arrival, tz: ZoneInfo) -> dict[str, str]:
    """One CSV row of a ward's arrival list as stored, times in local time."""
    notice = arrival.to_json()
    ident = notice["identity"] or {}
    origin = notice["origin"] or {}
    at = datetime.fromisoformat(notice["at"].replace("Z", "+00:00")).astimezone(tz)
    return {
        "event_id": notice["event_id"], "at_local": at.strftime("%Y-%m-%d %H:%M:%S"),
        "post": notice["post"], "kiosk": notice["kiosk"], "outcome": notice["outcome"],
        "quarantine_days": str(notice["quarantine_days"]),
        "quarantine_until": notice["quarantine_until"] or "",
        "name": ident.get("name", ""), "id_number": ident.get("id_number", ""),
        "date_of_birth": ident.get("date_of_birth") or "", "phone": ident.get("phone") or "",
        "origin": "/".join(origin.get(k, "") for k in ("country", "province", "ward")
                           if origin.get(k)),
        "vehicle_plate": notice["vehicle_plate"], "reasons": " ".join(notice["reasons"]),
    }
