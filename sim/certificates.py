"""The simulator's own foreign-certificate signers and the certificates it issues with them.

A run generates an EU DCC document signer, a WHO DDCC signer and a SMART Health Card issuer;
the simulated trust list carries them, so travellers' certificates verify at the real kiosk.
A fourth, unknown signer is on no list: its certificates are refused as `unknown_key`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from screening.certificates import CertificateTrust, TrustEntry
from screening.certificates.issue import (
    PrivateKey,
    cwt_claims,
    jwk_of,
    make_dsc,
    sign_hcert,
    sign_shc,
)
from screening.certificates.trust import dsc_entry, export_trust, jwk_entry

SHC_ISSUER = "https://smarthealth.sim.chot.example"
SIGNER_YEARS = 2
NEGATIVE, POSITIVE = "260415000", "260373001"  # SNOMED CT test results


@dataclass(frozen=True)
class Signer:
    """A document signer: its private key and its certificate (DER)."""

    key: PrivateKey
    der: bytes

    @property
    def kid(self) -> bytes:
        """The hcert key id: the first 8 bytes of the certificate's SHA-256."""
        import hashlib

        return hashlib.sha256(self.der).digest()[:8]

    @classmethod
    def generate(cls, country: str, now: datetime, name: str) -> Signer:
        """A fresh EC P-256 signer valid a year either side of `now`."""
        key = ec.generate_private_key(ec.SECP256R1())
        year = timedelta(days=365 * SIGNER_YEARS // 2)
        return cls(key, make_dsc(key, now - year, now + year, country=country, name=name))


@dataclass(frozen=True)
class CertificateSigners:
    """The run's signers: on the trust list (dcc, ddcc, shc) and off it (unknown)."""

    dcc: Signer
    ddcc: Signer
    shc: ec.EllipticCurvePrivateKey
    unknown: Signer

    @classmethod
    def generate(cls, now: datetime) -> CertificateSigners:
        """Fresh signers for one run."""
        return cls(Signer.generate("DE", now, "chot sim DCC signer"),
                   Signer.generate("TH", now, "chot sim DDCC signer"),
                   ec.generate_private_key(ec.SECP256R1()),
                   Signer.generate("FR", now, "chot sim unknown signer"))

    def entries(self, listed_at: datetime | None = None) -> tuple[TrustEntry, ...]:
        """The trust entries of the listed signers."""
        shc = jwk_entry(jwk_of(self.shc.public_key()), SHC_ISSUER, listed_at)
        assert shc is not None
        return (dsc_entry(self.dcc.der, listed_at=listed_at),
                dsc_entry(self.ddcc.der, listed_at=listed_at), shc)

    def trust(self, listed_at: datetime | None = None) -> CertificateTrust:
        """The trust a kiosk verifies the run's certificates with."""
        return CertificateTrust(self.entries(listed_at))

    def trust_parts(self) -> dict[str, Any]:
        """The `hcert` and `shc` members of a signed trust list body."""
        return export_trust(self.entries())


def dcc_name(name: str) -> dict[str, str]:
    """The DCC `nam` object for a full name (family name first, as Vietnamese names are)."""
    family, _, given = name.partition(" ")
    return {"fn": family, "gn": given, "fnt": _icao(family), "gnt": _icao(given)}


def dcc_vaccination(name: str, born: date, doses: int, series: int, country: str,
                    day: date) -> dict[str, Any]:
    """A DCC 1.3.0 vaccination payload."""
    return {"ver": "1.3.0", "nam": dcc_name(name), "dob": born.isoformat(),
            "v": [{"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528",
                   "ma": "ORG-100030215", "dn": doses, "sd": series, "dt": day.isoformat(),
                   "co": country, "is": "chot sim", "ci": f"URN:UVCI:01:{country}:SIM"}]}


def dcc_test(name: str, born: date, negative: bool, country: str,
             taken: datetime) -> dict[str, Any]:
    """A DCC 1.3.0 rapid antigen test payload."""
    return {"ver": "1.3.0", "nam": dcc_name(name), "dob": born.isoformat(),
            "t": [{"tg": "840539006", "tt": "LP217198-3", "ma": "1232",
                   "sc": taken.strftime("%Y-%m-%dT%H:%M:%SZ"),
                   "tr": NEGATIVE if negative else POSITIVE, "tc": "chot sim",
                   "co": country, "is": "chot sim", "ci": f"URN:UVCI:01:{country}:SIMT"}]}


def dcc_recovery(name: str, born: date, country: str, first_positive: date,
                 valid_until: date) -> dict[str, Any]:
    """A DCC 1.3.0 recovery payload."""
    return {"ver": "1.3.0", "nam": dcc_name(name), "dob": born.isoformat(),
            "r": [{"tg": "840539006", "fr": first_positive.isoformat(), "co": country,
                   "is": "chot sim", "df": (first_positive + timedelta(days=11)).isoformat(),
                   "du": valid_until.isoformat(), "ci": f"URN:UVCI:01:{country}:SIMR"}]}


def sign_dcc(payload: dict[str, Any], signer: Signer, country: str, issued: datetime,
             expires: datetime) -> str:
    """An HC1 code of a DCC payload."""
    return sign_hcert(cwt_claims({1: payload}, country, issued, expires), signer.key, signer.kid)


def ddcc_vaccination(name: str, born: date, doses: int, series: int, country: str,
                     day: date, signer: Signer, issued: datetime, expires: datetime) -> str:
    """An HC1 code of a WHO DDCC vaccination status (hcert subclaim 3)."""
    data = {"name": name, "birthDate": born.isoformat(),
            "vaccination": {"date": day.isoformat(), "dose": doses, "totalDoses": series,
                            "country": {"code": country}, "vaccine": {"code": "XM68M6"}}}
    return sign_hcert(cwt_claims({3: data}, country, issued, expires), signer.key, signer.kid)


def shc_vaccination(name: str, born: date, days: list[date], issued: datetime,
                    key: ec.EllipticCurvePrivateKey) -> str:
    """A SMART Health Card with a patient and one completed immunization per day."""
    family, _, given = name.partition(" ")
    entries: list[dict[str, Any]] = [{"fullUrl": "resource:0", "resource": {
        "resourceType": "Patient", "name": [{"family": family, "given": given.split()}],
        "birthDate": born.isoformat()}}]
    entries += [{"fullUrl": f"resource:{i}", "resource": {
        "resourceType": "Immunization", "status": "completed",
        "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "207"}]},
        "patient": {"reference": "resource:0"}, "occurrenceDateTime": day.isoformat()}}
        for i, day in enumerate(days, start=1)]
    claims = {"iss": SHC_ISSUER, "nbf": int(issued.timestamp()),
              "vc": {"type": ["https://smarthealth.cards#health-card"],
                     "credentialSubject": {"fhirVersion": "4.0.1", "fhirBundle": {
                         "resourceType": "Bundle", "type": "collection", "entry": entries}}}}
    return sign_shc(claims, key)


def _icao(text: str) -> str:
    # The machine-readable form: A–Z and '<' only (Vietnamese marks dropped).
    import unicodedata

    plain = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in plain.upper() if "A" <= c <= "Z" or c == " ").replace(" ", "<")


def traveller_certificate(kind: str, name: str, born: date, now: datetime,
                          signers: CertificateSigners) -> str:
    """The certificate a traveller of `kind` shows (see sim.travellers.Kind), issued now."""
    issued, expires = now - timedelta(days=2), now + timedelta(days=180)
    if kind == "shc":
        return shc_vaccination(name, born, [(now - timedelta(days=d)).date() for d in (130, 100)],
                               issued, signers.shc)
    if kind == "ddcc":
        return ddcc_vaccination(name, born, 2, 2, "TH", (now - timedelta(days=150)).date(),
                                signers.ddcc, issued, expires)
    if kind in ("eu_dcc_test", "eu_dcc_positive"):
        payload = dcc_test(name, born, kind == "eu_dcc_test", "DE", now - timedelta(hours=10))
        return sign_dcc(payload, signers.dcc, "DE", now - timedelta(hours=9),
                        now + timedelta(hours=62))
    if kind == "eu_dcc_recovery":
        first = (now - timedelta(days=60)).date()
        payload = dcc_recovery(name, born, "DE", first, (now + timedelta(days=100)).date())
        return sign_dcc(payload, signers.dcc, "DE", issued, expires)
    doses = 1 if kind == "eu_dcc_partial" else 2
    payload = dcc_vaccination(name, born, doses, 2, "DE", (now - timedelta(days=120)).date())
    if kind == "certificate_expired":
        return sign_dcc(payload, signers.dcc, "DE", now - timedelta(days=200),
                        now - timedelta(days=2))
    if kind == "certificate_unknown_signer":
        return sign_dcc(payload, signers.unknown, "FR", issued, expires)
    code = sign_dcc(payload, signers.dcc, "DE", issued, expires)
    if kind == "certificate_forged":
        # The classic forgery: one dose made two after signing, the signature kept.
        partial = dcc_vaccination(name, born, 1, 2, "DE", (now - timedelta(days=120)).date())
        genuine = sign_dcc(partial, signers.dcc, "DE", issued, expires)
        return altered_hcert(genuine, cwt_claims({1: payload}, "DE", issued, expires))
    return code


def altered_hcert(code: str, claims: dict[int, Any]) -> str:
    """The HC1 code with its claims replaced and the original signature kept."""
    import zlib

    import base45
    import cbor2

    message = cbor2.loads(zlib.decompress(base45.b45decode(code[4:])))
    protected, unprotected, _payload, signature = message.value
    forged = cbor2.dumps(cbor2.CBORTag(18, [protected, unprotected, cbor2.dumps(claims),
                                            signature]))
    return "HC1:" + base45.b45encode(zlib.compress(forged, 9)).decode("ascii")
