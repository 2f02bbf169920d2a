"""The trust list, published and signed by the center: declaration issuers' public keys and,
beside them, the foreign-certificate signers (DCC/DDCC DSCs, SMART Health Card issuer keys)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

from screening.certificates import (
    CertificateTrust,
    Framework,
    TrustEntry,
    TrustImportError,
    export_trust,
)
from screening.certificates.framework import framework_times
from screening.certificates.revocation import NO_REVOCATIONS, Revocations
from screening.certificates.revocation_lists import (
    RevocationImportError,
    export_revocations,
    revocations_from_body,
)
from screening.certificates.trust import read_trust_data
from screening.keys import BadKey, VerifyKey, keyring

TRUST_KIND = "trust"


def trust_body(issuers: list[tuple[str, VerifyKey]]) -> dict[str, Any]:
    """A trust-list body from (issuer name, public key) pairs."""
    return {"issuers": [{"name": name, "kid": key.kid.hex(),
                         "public_key": base64.b64encode(key.raw).decode()}
                        for name, key in issuers]}


def issuer_keys(body: dict[str, Any]) -> dict[bytes, VerifyKey]:
    """Issuer keys by key id from a verified trust-list body; raises ValueError when malformed."""
    issuers = body.get("issuers")
    if not isinstance(issuers, list):
        raise ValueError("trust list needs an 'issuers' array")
    keys = []
    for entry in issuers:
        try:
            key = VerifyKey.from_raw(base64.b64decode(entry["public_key"], validate=True))
        except (KeyError, TypeError, ValueError, BadKey) as exc:
            raise ValueError(f"bad issuer entry: {exc}") from None
        if entry.get("kid") != key.kid.hex():
            raise ValueError(f"issuer {entry.get('name')!r}: kid does not match its key")
        keys.append(key)
    return keyring(keys)


def with_certificates(body: dict[str, Any], entries: list[TrustEntry],
                      listed_at: dict[Framework, datetime],
                      revocation: Revocations = NO_REVOCATIONS) -> dict[str, Any]:
    """A trust-list body that also carries foreign-certificate entries, each list's date
    (when it was fetched) and the revocation lists, if any."""
    out = {**body, **export_trust(entries),
           "listed_at": {str(fw): moment.astimezone(UTC).isoformat()
                         for fw, moment in sorted(listed_at.items())}}
    if revocation.fetched_at:
        out["revocation"] = export_revocations(revocation)
    else:
        out.pop("revocation", None)
    return out


def certificate_listed_at(body: dict[str, Any]) -> dict[Framework, datetime]:
    """When each foreign list in a trust-list body was published; raises ValueError."""
    return framework_times(body.get("listed_at", {}), "listed_at")


def certificate_trust(body: dict[str, Any],
                      issued_at: datetime | None = None) -> CertificateTrust:
    """Foreign-certificate entries and revocation lists of a verified trust-list body (none
    when it has none); a list without its own date is as old as the document (`issued_at`).

    A malformed entry is skipped and named in `skipped`, never fatal to the rest; raises
    ValueError only when the body's own shape is wrong.
    """
    stamps = certificate_listed_at(body)
    entries: list[TrustEntry] = []
    skipped: list[str] = []
    for framework in Framework:
        items = body.get(str(framework), [])
        if items == []:
            continue
        data = json.dumps({str(framework): items}).encode()
        try:
            found = read_trust_data(data, f"trust list '{framework}'",
                                    listed_at=stamps.get(framework, issued_at))
        except TrustImportError as exc:
            skipped.append(str(exc))
            continue
        entries += found.entries
        skipped += found.skipped
    try:
        revocation = revocations_from_body(body, issued_at)
    except RevocationImportError as exc:
        raise ValueError(f"revocation: {exc}") from None
    return certificate_store(entries, skipped + revocation.skipped, revocation.revocations)


def certificate_store(entries: list[TrustEntry], skipped: list[str] | None = None,
                      revocation: Revocations = NO_REVOCATIONS) -> CertificateTrust:
    """Entries held together; the store is as old as its oldest list (an unknown kid is judged
    on that age, never as fresher than the data actually is)."""
    stamps = [entry.listed_at for entry in entries]
    known = [stamp for stamp in stamps if stamp is not None]
    as_of = min(known) if known and len(known) == len(stamps) else None
    return CertificateTrust(tuple(entries), as_of, tuple(skipped or ()), revocation)
