"""What reading a certificate yields: verified holder and facts, or a reason to refuse it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from screening.certificates.reasons import CertReason, describe


class CertFormat(StrEnum):
    """The certificate families a kiosk reads."""

    EU_DCC = "eu-dcc"
    WHO_DDCC = "who-ddcc"
    SHC = "shc"


class CertType(StrEnum):
    """What a certificate attests."""

    VACCINATION = "vaccination"
    TEST = "test"
    RECOVERY = "recovery"


@dataclass(frozen=True)
class Holder:
    """The person a certificate names; dates of birth stay as issued (may be partial)."""

    name: str
    date_of_birth: str | None

    def to_json(self) -> dict[str, Any]:
        """JSON form, matching the `identity` object of `chot verify`."""
        return {"name": self.name, "date_of_birth": self.date_of_birth}


@dataclass(frozen=True)
class CertificateFacts:
    """What the certificate attests, as the policy and the kiosk card need it."""

    type: CertType
    date: str | None = None  # vaccination date, test sample time or first positive test
    doses: int | None = None  # dose number n of a vaccination
    series: int | None = None  # doses in the series ("of"); None when the format omits it
    test_result: str | None = None  # "negative", "positive" or the issuer's code
    valid_from: str | None = None  # recovery: valid from / until (ISO dates)
    valid_until: str | None = None
    issuer_country: str | None = None
    issuer: str | None = None
    expires_at: datetime | None = None  # of the certificate (CWT exp / JWT exp)
    issued_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON form for `chot verify` and the kiosk."""
        return {
            "type": str(self.type), "date": self.date, "doses": self.doses,
            "series": self.series, "test_result": self.test_result,
            "valid_from": self.valid_from, "valid_until": self.valid_until,
            "issuer_country": self.issuer_country, "issuer": self.issuer,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "issued_at": self.issued_at.isoformat() if self.issued_at else None,
        }


@dataclass(frozen=True)
class CertificateVerified:
    """A certificate whose signature, signer, validity and content all check out."""

    format: CertFormat
    holder: Holder
    facts: CertificateFacts
    kid: str  # as the trust list writes it (base64 for DCC/DDCC, thumbprint for SHC)
    signer: str  # the trust entry's label: DSC subject or SHC issuer URL
    signer_expires_at: datetime | None = None  # shown beside the verdict, see docs
    trust_age_s: float | None = None  # age of the trust data that vouched for it
    # The EU DCC as signed (hcert -260/1), for the entry rules; never printed (personal data).
    payload: dict[str, Any] | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        """JSON form: format, identity, certificate facts and the signer."""
        return {
            "verified": True, "format": str(self.format), "identity": self.holder.to_json(),
            "certificate": self.facts.to_json(), "kid": self.kid, "signer": self.signer,
            "signer_expires_at": (self.signer_expires_at.isoformat()
                                  if self.signer_expires_at else None),
            "trust_age_s": self.trust_age_s,
        }


@dataclass(frozen=True)
class CertificateRejected:
    """A certificate that must not be trusted, and why; it carries no holder data."""

    reason: CertReason
    detail: str = ""
    format: CertFormat | None = None  # known once the prefix and container are read

    def to_json(self) -> dict[str, Any]:
        """JSON form: the reason code with both messages, and a technical detail."""
        return {"verified": False, "format": str(self.format) if self.format else None,
                "reason": describe(self.reason), "detail": self.detail}
