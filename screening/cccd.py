"""The QR on a Vietnamese citizen ID card (CCCD): unsigned, identity only.

Layout: `ID(12)|old CMND(9, may be empty)|name|DOB DDMMYYYY|Nam/Nữ|address|issue date DDMMYYYY`;
older cards print a 6-field variant without the old CMND number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from screening.declaration import nfc
from screening.identity import Identity
from screening.reasons import Reason

GENDERS = ("Nam", "Nữ")
ID_RE = re.compile(r"^\d{12}$")
OLD_ID_RE = re.compile(r"^\d{9}$")


@dataclass(frozen=True)
class CccdCard:
    """What a CCCD QR says: the holder's identity, the old CMND number and the issue date."""

    identity: Identity
    old_id: str | None
    issued_on: date


@dataclass(frozen=True)
class CccdError:
    """Why a text that looks like a CCCD line is not a valid one."""

    reason: Reason
    detail: str


def looks_like_cccd(text: str) -> bool:
    """True when the text has the shape of a CCCD line (12 digits then '|')."""
    return bool(re.match(r"^\s*\d{12}\|", text))


def parse(text: str) -> CccdCard | CccdError:
    """Parse a CCCD QR line; surrounding whitespace and CR/LF are ignored. Never raises."""
    fields = [f.strip() for f in nfc(text).strip().split("|")]
    if len(fields) == 7:
        id_number, old_id, name, dob, gender, address, issued = fields
    elif len(fields) == 6:
        id_number, name, dob, gender, address, issued = fields
        old_id = ""
    else:
        return CccdError(Reason.CCCD_FIELD_COUNT, f"{len(fields)} fields")
    if not ID_RE.match(id_number):
        return CccdError(Reason.CCCD_BAD_ID, id_number)
    if old_id and not OLD_ID_RE.match(old_id):
        return CccdError(Reason.CCCD_BAD_OLD_ID, old_id)
    if not name:
        return CccdError(Reason.CCCD_BAD_NAME, "")
    if gender not in GENDERS:
        return CccdError(Reason.CCCD_BAD_GENDER, gender)
    if not address:
        return CccdError(Reason.CCCD_BAD_ADDRESS, "")
    birth, issued_on = _ddmmyyyy(dob), _ddmmyyyy(issued)
    if birth is None:
        return CccdError(Reason.CCCD_BAD_DATE, f"date of birth {dob!r}")
    if issued_on is None or issued_on < birth:
        return CccdError(Reason.CCCD_BAD_DATE, f"issue date {issued!r}")
    identity = Identity(name=name, id_number=id_number, date_of_birth=birth, gender=gender,
                        address=address)
    return CccdCard(identity=identity, old_id=old_id or None, issued_on=issued_on)


def _ddmmyyyy(text: str) -> date | None:
    if not re.fullmatch(r"\d{8}", text):
        return None
    try:
        return date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        return None
