"""Finding the trust entries that may have signed a code, and refusing stale trust data."""

from __future__ import annotations

from datetime import datetime, timedelta

from screening.certificates.reasons import CertReason
from screening.certificates.result import CertFormat, CertificateRejected
from screening.certificates.trust import CertificateTrust, Framework, TrustEntry


def candidates(trust: CertificateTrust, framework: Framework, kid: str, now: datetime,
               max_age: timedelta | None,
               fmt: CertFormat | None) -> list[TrustEntry] | CertificateRejected:
    """Entries for `kid` whose data is fresh enough, or the rejection: unknown key or stale.

    A stale list is named as such even when the kid is missing from it, since a fresher
    list may hold the key: staff must update the list, not doubt the traveller.
    """
    if not trust.holds(framework):
        return CertificateRejected(CertReason.NO_TRUST_LIST, f"no {framework} signers loaded",
                                   fmt)
    entries = trust.lookup(framework, kid)
    revocation_age = trust.revocation.age(framework, now)
    if max_age is not None and revocation_age is not None and revocation_age > max_age:
        return CertificateRejected(CertReason.TRUST_STALE,
                                   f"revocation list {revocation_age} old", fmt)
    if max_age is not None:
        fresh = [e for e in entries if _fresh(trust.age(e, now), max_age)]
        if entries and not fresh:
            return CertificateRejected(CertReason.TRUST_STALE, _age_text(trust, entries[0], now),
                                       fmt)
        if not entries and not _fresh(trust.age(None, now), max_age):
            return CertificateRejected(CertReason.TRUST_STALE, _age_text(trust, None, now), fmt)
        entries = fresh
    if not entries:
        return CertificateRejected(CertReason.UNKNOWN_KEY, f"kid {kid}", fmt)
    return entries


def _fresh(age: timedelta | None, max_age: timedelta) -> bool:
    return age is not None and age <= max_age  # data of unknown age counts as stale


def _age_text(trust: CertificateTrust, entry: TrustEntry | None, now: datetime) -> str:
    age = trust.age(entry, now)
    return "trust data of unknown age" if age is None else f"trust data {age} old"
