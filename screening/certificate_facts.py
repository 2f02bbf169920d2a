"""The facts a verified foreign certificate gives the policy's rules (docs/certificates.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from screening.certificates import CertificateVerified, CertType

# Every name is present for every scan, null or false without a certificate, so a rule
# that reads one never meets a missing variable.
NO_CERTIFICATE: dict[str, Any] = {
    "certificate_format": None, "certificate_type": None, "certificate_country": None,
    "vaccination_doses": None, "vaccination_series": None, "vaccination_complete": False,
    "days_since_last_dose": None, "test_negative": False, "hours_since_test": None,
    "recovered_valid": False, "certificate_signer_expired": False,
}


def certificate_facts(cert: object, now: datetime) -> dict[str, Any]:
    """Rule facts of a verified certificate at `now`; the empty facts for anything else."""
    if not isinstance(cert, CertificateVerified):
        return dict(NO_CERTIFICATE)
    facts = cert.facts
    doses, series = facts.doses, facts.series
    vaccinated = facts.type is CertType.VACCINATION
    taken = _moment(facts.date)
    return {
        **NO_CERTIFICATE,
        "certificate_format": str(cert.format),
        "certificate_type": str(facts.type),
        "certificate_country": facts.issuer_country,
        "vaccination_doses": doses if vaccinated else None,
        "vaccination_series": series if vaccinated else None,
        # SMART cards list completed doses without a series size: trust the count alone.
        "vaccination_complete": bool(vaccinated and doses
                                     and (series is None or doses >= series)),
        "days_since_last_dose": ((now.date() - taken.date()).days
                                 if vaccinated and taken else None),
        "test_negative": facts.type is CertType.TEST and facts.test_result == "negative",
        "hours_since_test": (round((now - taken).total_seconds() / 3600, 2)
                             if facts.type is CertType.TEST and taken else None),
        "recovered_valid": facts.type is CertType.RECOVERY and _within(
            facts.valid_from, facts.valid_until, now.date()),
        "certificate_signer_expired": (cert.signer_expires_at is not None
                                       and cert.signer_expires_at <= now),
    }


def _moment(text: str | None) -> datetime | None:
    # A vaccination date ("2021-06-01") or a test's sample time (ISO with a zone).
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _within(start: str | None, end: str | None, day: date) -> bool:
    first, last = _moment(start), _moment(end)
    return first is not None and last is not None and first.date() <= day <= last.date()
