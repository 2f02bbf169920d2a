"""Foreign health certificates, decoded and verified offline: EU DCC, WHO DDCC, SMART Health Cards.

Pure like the rest of `screening`: text, trust entries and the time come in, a
`CertificateVerified` or `CertificateRejected` comes out, and nothing raises on any input.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from screening.certificates import hcert, shc
from screening.certificates.reasons import CertReason, describe, message
from screening.certificates.result import (
    CertFormat,
    CertificateFacts,
    CertificateRejected,
    CertificateVerified,
    CertType,
    Holder,
)
from screening.certificates.trust import (
    CertificateTrust,
    Framework,
    TrustEntry,
    TrustImportError,
    export_trust,
    import_trust,
)

MAX_CODE_CHARS = 8192  # a version-40 QR holds at most 4,296 alphanumeric characters
CLOCK_SKEW = timedelta(minutes=5)  # an issuer's clock a little ahead of ours is no forgery

__all__ = [
    "MAX_CODE_CHARS", "CertFormat", "CertReason", "CertType", "CertificateFacts",
    "CertificateRejected",
    "CertificateTrust", "CertificateVerified", "Framework", "Holder", "TrustEntry",
    "TrustImportError", "describe", "export_trust", "import_trust", "looks_like_certificate",
    "message", "read_certificate", "unread_format",
]


def unread_format(text: str) -> str | None:
    """The name of a health-certificate format seen but not read (DIVOC, ICAO VDS-NC), the
    way WHO's verifier tells them apart, else None."""
    head = text[:4].upper()
    if head == "B64:" or head.startswith("PK"):  # DIVOC: base64 or a zip of signed JSON
        return "DIVOC"
    if "icao" in text[:2000].lower():  # VDS-NC: JSON whose header type is icao.vacc/icao.test
        return "ICAO VDS-NC"
    return None


def looks_like_certificate(text: str) -> bool:
    """True when the text carries a certificate prefix this package reads (HC1: or shc:/)."""
    return text.startswith(hcert.PREFIX) or text.lower().startswith(shc.PREFIX)


def read_certificate(
        text: str, trust: CertificateTrust, now: datetime, *,
        max_trust_age: timedelta | None = None,
        clock_skew: timedelta = CLOCK_SKEW) -> CertificateVerified | CertificateRejected:
    """Decode and verify a foreign certificate at `now` against `trust`; never raises.

    With `max_trust_age`, trust data older than that (or of unknown age) rejects the code as
    `trust_stale` rather than judging it on an outdated list.
    """
    if len(text) > MAX_CODE_CHARS:
        return CertificateRejected(CertReason.TOO_LARGE, f"{len(text)} characters")
    if text.startswith(hcert.PREFIX):
        return hcert.read(text, trust, now, max_trust_age, clock_skew)
    if text.lower().startswith(shc.PREFIX):
        return shc.read(text, trust, now, max_trust_age, clock_skew)
    return CertificateRejected(CertReason.UNSUPPORTED_CODE, text[:12])
