"""From scanned text to what it says: a verified declaration or foreign certificate, a CCCD
identity, or neither."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from screening import cccd, signed_code
from screening.certificates import (
    MAX_CODE_CHARS,
    CertificateRejected,
    CertificateTrust,
    CertificateVerified,
    looks_like_certificate,
    read_certificate,
    unread_format,
)
from screening.declaration import Declaration
from screening.identity import Identity
from screening.keys import VerifyKey
from screening.places import Place
from screening.reasons import Reason
from screening.storable import identity_texts, storable_holder, storable_identity, too_long
from screening.text import is_scalar_text, shown_text
from screening.validity import DEFAULT_RULES, ValidityRules


class CodeKind(StrEnum):
    """What kind of code was read."""

    DECLARATION = "declaration"
    CCCD = "cccd"
    CERTIFICATE = "certificate"  # a foreign health certificate: EU DCC, WHO DDCC, SMART card
    UNSUPPORTED = "unsupported"


class Verification(StrEnum):
    """Whether the code's content can be trusted."""

    VALID = "valid"  # signed by a trusted issuer, within its validity window
    UNSIGNED = "unsigned"  # a CCCD: the identity is as printed, no signature to check
    REJECTED = "rejected"  # forged, expired, damaged or unreadable


@dataclass(frozen=True)
class Travel:
    """Movement and health facts: from a declaration, or entered by staff for a CCCD holder."""

    origin: Place
    destination: Place
    route: str = ""
    vehicle_plate: str = ""
    symptoms: tuple[str, ...] = ()
    contact: str | None = None
    vaccine_doses: int = 0
    entered_by_staff: bool = False


@dataclass(frozen=True)
class ScanResult:
    """Everything a scanned text says, before the policy is applied."""

    kind: CodeKind
    verification: Verification
    identity: Identity | None = None
    travel: Travel | None = None
    rejection: Reason | None = None
    detail: str = ""
    prefix: str = ""
    valid_from: datetime | None = None  # a declaration's signed window, for the policy's cap
    valid_until: datetime | None = None
    # A foreign certificate as read: its facts feed the policy, its format the card and CLI.
    certificate: CertificateVerified | CertificateRejected | None = None


PREFIX_SHOWN = 12
NO_CERTIFICATE_TRUST = CertificateTrust()


def read_code(text: str, trusted: dict[bytes, VerifyKey], now: datetime,
              rules: ValidityRules = DEFAULT_RULES, *,
              certificates: CertificateTrust = NO_CERTIFICATE_TRUST,
              max_trust_age: timedelta | None = None) -> ScanResult:
    """Classify and check one scanned text at time `now` under the policy's rules; never raises.

    Foreign certificates are checked against `certificates`, refused as `trust_stale` when
    that data is older than `max_trust_age`. Whatever it returns can be stored in an event.
    """
    return _storable(_read(text, trusted, now, rules, certificates, max_trust_age))


def _read(text: str, trusted: dict[bytes, VerifyKey], now: datetime, rules: ValidityRules,
          certificates: CertificateTrust, max_trust_age: timedelta | None) -> ScanResult:
    stripped = text.strip()
    prefix = shown_text(stripped[:PREFIX_SHOWN])
    if not stripped:
        return ScanResult(CodeKind.UNSUPPORTED, Verification.REJECTED, rejection=Reason.EMPTY)
    if len(stripped) > MAX_CODE_CHARS:  # one cap for every code (a format may hold less)
        return ScanResult(CodeKind.UNSUPPORTED, Verification.REJECTED,
                          rejection=Reason.TOO_LARGE, prefix=prefix)
    if not is_scalar_text(stripped):
        # Bytes that were not UTF-8 (kept as lone surrogates) can be neither shown nor stored.
        return ScanResult(CodeKind.UNSUPPORTED, Verification.REJECTED,
                          rejection=Reason.UNDECODABLE, prefix=prefix)
    if signed_code.looks_like_declaration(stripped):
        return _declaration(signed_code.read(stripped, trusted, now, rules), prefix)
    if looks_like_certificate(stripped):
        return _certificate(read_certificate(stripped, certificates, now,
                                             max_trust_age=max_trust_age,
                                             clock_skew=rules.clock_skew), prefix)
    if cccd.looks_like_cccd(stripped):
        card = cccd.parse(stripped)
        if isinstance(card, cccd.CccdError):
            return ScanResult(CodeKind.CCCD, Verification.REJECTED, rejection=card.reason,
                              detail=card.detail, prefix=prefix)
        return ScanResult(CodeKind.CCCD, Verification.UNSIGNED, identity=card.identity,
                          prefix=prefix)
    seen = unread_format(stripped)  # staff learn which format it was, not just "unsupported"
    return ScanResult(CodeKind.UNSUPPORTED, Verification.REJECTED,
                      rejection=Reason.UNSUPPORTED_CODE, prefix=prefix,
                      detail=f"{seen} (not read)" if seen else "")


def _storable(result: ScanResult) -> ScanResult:
    """The result as an event may carry it: scalar text, nothing longer than the schema holds."""
    identity = storable_identity(result.identity) if result.identity else None
    certificate = result.certificate
    if isinstance(certificate, CertificateVerified):
        certificate = replace(certificate, holder=storable_holder(certificate.holder))
    travel = result.travel
    problem = too_long({**identity_texts(identity),
                        "route": travel.route if travel else None,
                        "vehicle_plate": travel.vehicle_plate if travel else None})
    if problem is not None:
        # Nothing of it is kept: staff enter the traveller by hand (the reason says so).
        return ScanResult(result.kind, Verification.REJECTED, rejection=Reason.TEXT_TOO_LONG,
                          detail=problem, prefix=result.prefix)
    return replace(result, identity=identity, certificate=certificate,
                   detail=shown_text(result.detail))


def _declaration(result: signed_code.Verified | signed_code.Rejected, prefix: str) -> ScanResult:
    decl = result.declaration
    if isinstance(result, signed_code.Verified):
        verification, reason, detail = Verification.VALID, None, ""
    else:
        verification, reason, detail = Verification.REJECTED, result.reason, result.detail
    if decl is None:
        return ScanResult(CodeKind.DECLARATION, verification, rejection=reason, detail=detail,
                          prefix=prefix)
    return ScanResult(CodeKind.DECLARATION, verification, identity=decl.identity,
                      travel=travel_of(decl), rejection=reason, detail=detail, prefix=prefix,
                      valid_from=decl.issued_at, valid_until=decl.expires_at)


def _certificate(result: CertificateVerified | CertificateRejected, prefix: str) -> ScanResult:
    if isinstance(result, CertificateRejected):
        return ScanResult(CodeKind.CERTIFICATE, Verification.REJECTED,
                          rejection=Reason(result.reason), detail=result.detail, prefix=prefix,
                          certificate=result)
    # No ID number on a certificate: staff see the name and birth date, and enter the trip.
    identity = Identity(name=result.holder.name, id_number="",
                        date_of_birth=_full_date(result.holder.date_of_birth))
    return ScanResult(CodeKind.CERTIFICATE, Verification.VALID, identity=identity,
                      prefix=prefix, certificate=result)


def _full_date(text: str | None) -> date | None:
    # Certificates may carry "1990", "1990-05" or "1990-XX-XX": only a whole date is an age.
    try:
        return date.fromisoformat(text) if text and len(text) == 10 else None
    except ValueError:
        return None


def travel_of(decl: Declaration) -> Travel:
    """The movement and health facts of a declaration."""
    return Travel(origin=decl.origin, destination=decl.destination, route=decl.route,
                  vehicle_plate=decl.vehicle_plate, symptoms=decl.symptoms,
                  contact=decl.contact, vaccine_doses=decl.vaccine_doses)


def with_manual_entry(result: ScanResult, travel: Travel) -> ScanResult:
    """Complete an identity-only result (CCCD, certificate, or no code) with staff's travel."""
    return replace(result, travel=replace(travel, entered_by_staff=True))


def certified_entry(result: ScanResult, identity: Identity,
                    travel: Travel) -> ScanResult | None:
    """A verified certificate completed by staff: the ID number they typed (a passport) beside
    the certified name and birth date, and the trip; None when name or birth date differ."""
    held = result.identity
    if result.kind is not CodeKind.CERTIFICATE or result.verification is not Verification.VALID \
            or held is None or (held.name, held.date_of_birth) != (identity.name,
                                                                   identity.date_of_birth):
        return None
    return replace(with_manual_entry(result, travel), identity=identity)


def manual_only(identity: Identity, travel: Travel) -> ScanResult:
    """A traveller with no code at all, whose identity and travel staff typed in."""
    return ScanResult(CodeKind.CCCD, Verification.UNSIGNED, identity=identity,
                      travel=replace(travel, entered_by_staff=True), prefix="")
