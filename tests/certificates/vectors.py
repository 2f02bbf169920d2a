"""Certificate test vectors: signers with their DSCs, DCC/SHC payloads, a fixed clock."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from screening.certificates import (
    CertificateRejected,
    CertificateTrust,
    CertReason,
    CertType,
    TrustEntry,
    read_certificate,
)
from screening.certificates.issue import PrivateKey, cwt_claims, make_dsc, sign_hcert
from screening.certificates.trust import dsc_entry

NOW = datetime(2022, 6, 1, 8, 0, tzinfo=UTC)
SHC_ISSUER = "https://smarthealth.example/issuer"


@dataclass(frozen=True)
class Signer:
    """A private key with its DSC and the trust entry made from it."""

    key: PrivateKey
    der: bytes
    entry: TrustEntry

    @property
    def kid(self) -> bytes:
        return hashlib.sha256(self.der).digest()[:8]

    def code(self, hcert: dict[int, Any], *, issued: datetime = NOW - timedelta(days=2),
             expires: datetime = NOW + timedelta(days=300), kid: bytes | None = None,
             kid_protected: bool = True) -> str:
        return sign_hcert(cwt_claims(hcert, "VN", issued, expires), self.key,
                          self.kid if kid is None else kid, kid_protected=kid_protected)


def make_signer(key: PrivateKey, *, types: list[CertType] | None = None,
                not_before: datetime = NOW - timedelta(days=365),
                not_after: datetime = NOW + timedelta(days=365)) -> Signer:
    der = make_dsc(key, not_before, not_after, country="VN", types=types)
    return Signer(key, der, dsc_entry(der, listed_at=NOW - timedelta(hours=1)))


def vaccination(dn: int = 2, sd: int = 2, ci: str = "URN:UVCI:01:VN:ABC#1") -> dict[str, Any]:
    """A DCC 1.3.0 vaccination payload for a Vietnamese holder."""
    return {"ver": "1.3.0",
            "nam": {"fn": "Nguyễn", "gn": "Thị Ánh", "fnt": "NGUYEN", "gnt": "THI<ANH"},
            "dob": "1990-04-02",
            "v": [{"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528",
                   "ma": "ORG-100030215", "dn": dn, "sd": sd, "dt": "2021-09-01", "co": "VN",
                   "is": "Ministry of Health", "ci": ci}]}


def negative_test() -> dict[str, Any]:
    """A DCC negative RAT payload."""
    return {"ver": "1.3.0", "nam": {"fnt": "SMITH", "gnt": "JANE"}, "dob": "1985",
            "t": [{"tg": "840539006", "tt": "LP217198-3", "ma": "1232",
                   "sc": "2022-05-31T10:00:00Z", "tr": "260415000", "tc": "Test centre",
                   "co": "DE", "is": "RKI", "ci": "URN:UVCI:01:DE:T1"}]}


def recovery() -> dict[str, Any]:
    """A DCC recovery payload."""
    return {"ver": "1.3.0", "nam": {"fn": "Dupont", "fnt": "DUPONT"}, "dob": "1970-XX-XX",
            "r": [{"tg": "840539006", "fr": "2022-03-01", "co": "FR", "is": "CNAM",
                   "df": "2022-03-12", "du": "2022-09-01", "ci": "URN:UVCI:01:FR:R1"}]}


def shc_claims(**overrides: Any) -> dict[str, Any]:
    """SMART Health Card claims: a patient with two completed COVID-19 doses."""
    entries = [
        {"fullUrl": "resource:0", "resource": {
            "resourceType": "Patient", "name": [{"family": "Anyperson", "given": ["John", "B."]}],
            "birthDate": "1951-01-20"}},
        *({"fullUrl": f"resource:{i}", "resource": {
            "resourceType": "Immunization", "status": "completed",
            "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "207"}]},
            "patient": {"reference": "resource:0"}, "occurrenceDateTime": day}}
          for i, day in ((1, "2021-01-01"), (2, "2021-01-29"))),
    ]
    claims = {"iss": SHC_ISSUER, "nbf": int((NOW - timedelta(days=1)).timestamp()),
              "vc": {"type": ["https://smarthealth.cards#health-card"],
                     "credentialSubject": {"fhirVersion": "4.0.1", "fhirBundle": {
                         "resourceType": "Bundle", "type": "collection", "entry": entries}}}}
    claims.update(overrides)
    return claims


def rejected(code: str, trust: CertificateTrust, **kwargs: Any) -> CertReason:
    """The reason a code is refused at NOW; it must be refused, in both languages."""
    result = read_certificate(code, trust, NOW, **kwargs)
    assert isinstance(result, CertificateRejected), result
    assert result.to_json()["reason"]["vi"] and result.to_json()["reason"]["en"]
    return result.reason
