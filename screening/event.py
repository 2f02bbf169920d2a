"""ScanEvent, the record every scan produces, and StaffAction, staff's later word on it.

Both are committed on the kiosk before anything is shown, travel to the center at least once,
and are stored there exactly once by `event_id`. The JSON form is `docs/schemas/event.json`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from screening.certificates import CertificateVerified
from screening.evaluate import TemperatureReading
from screening.scan import ScanResult
from screening.text import shown_text
from screening.verdict import Outcome, Verdict

EVENT_SCHEMA = 1


@dataclass(frozen=True)
class EventHeader:
    """Where and when an event happened, and its identity: a ULID and the kiosk's sequence."""

    event_id: str
    seq: int
    post: str
    kiosk: str
    at: datetime

    def to_json(self) -> dict[str, Any]:
        """The common fields of every event."""
        return {"schema": EVENT_SCHEMA, "event_id": self.event_id, "seq": self.seq,
                "post": self.post, "kiosk": self.kiosk, "at": utc_iso(self.at)}


@dataclass(frozen=True)
class ScanEvent:
    """One traveller scanned: the code, what was verified, the reading and the verdict."""

    header: EventHeader
    scan: ScanResult
    temperature: TemperatureReading | None
    verdict: Verdict

    def to_json(self) -> dict[str, Any]:
        """The wire form (minimal identity: name, ID number, birth date, phone)."""
        scan, ident, travel = self.scan, self.scan.identity, self.scan.travel
        temp = self.temperature
        return {
            **self.header.to_json(), "type": "scan",
            "code_kind": str(scan.kind), "verification": str(scan.verification),
            "rejection": str(scan.rejection) if scan.rejection else None,
            "identity": _minimal_identity(ident),
            "origin": travel.origin.to_json() if travel else None,
            "destination": travel.destination.to_json() if travel else None,
            "vehicle_plate": travel.vehicle_plate if travel else "",
            "entered_by_staff": bool(travel and travel.entered_by_staff),
            "temperature_c": temp.celsius if temp else None,
            "temperature_age_s": round((self.header.at - temp.taken_at).total_seconds(), 3)
            if temp else None,
            "outcome": str(self.verdict.outcome),
            "reasons": [str(r) for r in self.verdict.reasons],
            "quarantine_days": self.verdict.quarantine_days,
            "notify_ward": self.verdict.notify_ward,
            "policy_version": self.verdict.policy_version,
            "certificate": certificate_json(scan.certificate),
        }


@dataclass(frozen=True)
class StaffAction:
    """Staff confirmed a scan's verdict or overrode it (with a required reason)."""

    header: EventHeader
    scan_event_id: str
    action: str  # "confirm" | "override" | "reveal_id"
    outcome: Outcome | None = None
    reason: str = ""
    staff: str = ""

    def __post_init__(self) -> None:
        if self.action not in ("confirm", "override", "reveal_id"):
            raise ValueError(f"unknown staff action {self.action!r}")
        if self.action == "override" and (self.outcome is None or not self.reason.strip()):
            raise ValueError("an override needs an outcome and a reason")

    def to_json(self) -> dict[str, Any]:
        """The wire form."""
        return {**self.header.to_json(), "type": "staff_action",
                "scan_event_id": self.scan_event_id, "action": self.action,
                "outcome": str(self.outcome) if self.outcome else None,
                "reason": self.reason, "staff": self.staff}


COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
MAX_DOSES = 99
SIGNER_CHARS = 200


def certificate_json(cert: object) -> dict[str, Any] | None:
    """What a verified foreign certificate tells the province: format, type, issuing country,
    doses or test result, and its signer; no personal data (the holder is the identity's).

    Issuer-written values are kept only in the shapes the event schema stores (a two-letter
    country, a dose count, a known test result), so a certificate cannot break the contract."""
    if not isinstance(cert, CertificateVerified):
        return None
    facts = cert.facts
    country = facts.issuer_country if facts.issuer_country and COUNTRY_RE.match(
        facts.issuer_country) else None

    def count(value: int | None) -> int | None:
        return value if isinstance(value, int) and 0 <= value <= MAX_DOSES else None

    result = facts.test_result
    return {"format": str(cert.format), "type": str(facts.type), "country": country,
            "doses": count(facts.doses), "series": count(facts.series),
            "test_result": result if result in (None, "negative", "positive") else "other",
            "signer": shown_text(cert.signer)[:SIGNER_CHARS],
            "kid": shown_text(cert.kid)[:SIGNER_CHARS]}


def _minimal_identity(ident: Any) -> dict[str, Any] | None:
    if ident is None:
        return None
    return {"name": ident.name, "id_number": ident.id_number,
            "date_of_birth": ident.date_of_birth.isoformat() if ident.date_of_birth else None,
            "phone": ident.phone}


def utc_iso(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a Z, e.g. 2026-11-22T05:33:39.123Z."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
