"""A manual declaration as staff completed it: identity, travel, and the CCCD scan if any."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from screening.identity import Identity
from screening.places import Place
from screening.scan import ScanResult, Travel


@dataclass(frozen=True)
class ManualEntry:
    """What the manual form hands to the checkpoint."""

    identity: Identity
    travel: Travel
    scanned: ScanResult | None = None


@dataclass
class ManualForm:
    """The form's fields as typed; `problems` says what is missing, `entry` builds the result."""

    name: str = ""
    id_number: str = ""
    birth: str = ""
    plate: str = ""
    origin: Place | None = None
    destination: Place | None = None
    scanned: ScanResult | None = None

    def problems(self) -> list[str]:
        """i18n keys of the missing or bad fields, in form order."""
        missing = []
        if not self.name.strip():
            missing.append("manual_name")
        if not self.id_number.strip():
            missing.append("manual_id")
        if self.birth.strip() and parse_birth(self.birth) is None:
            missing.append("manual_dob")
        if self.origin is None:
            missing.append("manual_origin")
        if self.destination is None:
            missing.append("manual_dest")
        return missing

    def entry(self) -> ManualEntry:
        """The completed entry (call only when `problems()` is empty)."""
        assert self.origin is not None and self.destination is not None
        scanned_identity = self.scanned.identity if self.scanned else None
        identity = Identity(name=self.name.strip(), id_number=self.id_number.strip(),
                            date_of_birth=parse_birth(self.birth))
        if scanned_identity is not None and (scanned_identity.name, scanned_identity.id_number,
                                             scanned_identity.date_of_birth) == (
                identity.name, identity.id_number, identity.date_of_birth):
            identity = scanned_identity  # keep gender and address from the card
        travel = Travel(origin=self.origin, destination=self.destination,
                        vehicle_plate=self.plate.strip(), entered_by_staff=True)
        return ManualEntry(identity, travel, self.scanned)


def parse_birth(text: str) -> date | None:
    """DDMMYYYY → date, or None."""
    digits = text.strip()
    if len(digits) != 8 or not digits.isdigit():
        return None
    try:
        return date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
    except ValueError:
        return None


def birth_text(day: date | None) -> str:
    """date → DDMMYYYY ('' for None)."""
    return "" if day is None else day.strftime("%d%m%Y")
