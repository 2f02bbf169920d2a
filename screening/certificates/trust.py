"""Trust for foreign certificates: DCC/DDCC document signer certificates and SHC issuer keys.

`import_trust` reads the formats these ecosystems publish (bytes in, entries out); the kiosk
holds the entries in a `CertificateTrust` with the time the data was last refreshed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from screening.certificates.result import CertType
from screening.certificates.signatures import PublicKey

# Extended key usage OIDs a DCC signer may carry, in both the registered and the early form
KEY_USAGE_TYPES: dict[str, CertType] = {
    "1.3.6.1.4.1.1847.2021.1.1": CertType.TEST,
    "1.3.6.1.4.1.1847.2021.1.2": CertType.VACCINATION,
    "1.3.6.1.4.1.1847.2021.1.3": CertType.RECOVERY,
    "1.3.6.1.4.1.0.1847.2021.1.1": CertType.TEST,
    "1.3.6.1.4.1.0.1847.2021.1.2": CertType.VACCINATION,
    "1.3.6.1.4.1.0.1847.2021.1.3": CertType.RECOVERY,
}
MAX_TRUST_BYTES = 32 * 1024 * 1024


class Framework(StrEnum):
    """Which codes an entry vouches for: HC1 containers (EU DCC, WHO DDCC) or SMART cards."""

    HCERT = "hcert"
    SHC = "shc"


class TrustImportError(ValueError):
    """Trust data that cannot be read; the message names the file and the problem."""


@dataclass(frozen=True)
class TrustEntry:
    """One trusted signing key: a DSC for HC1 codes or an issuer's JWK for SMART cards."""

    framework: Framework
    kid: str  # base64 of the COSE kid bytes (HCERT) or the JWK thumbprint (SHC)
    public_key: PublicKey
    label: str  # DSC subject, or the SHC issuer URL
    country: str | None = None
    not_before: datetime | None = None
    not_after: datetime | None = None
    allowed_types: frozenset[CertType] | None = None  # None: may sign every type
    issuer: str | None = None  # SHC `iss` the key belongs to
    listed_at: datetime | None = None  # when the list it came from was published
    raw: bytes = b""  # DER certificate (HCERT) or canonical JWK JSON (SHC), for export


@dataclass(frozen=True)
class CertificateTrust:
    """The trust entries a kiosk holds, and when they were last refreshed."""

    entries: tuple[TrustEntry, ...] = ()
    as_of: datetime | None = None
    _index: dict[tuple[Framework, str], list[TrustEntry]] = field(
        init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        for entry in self.entries:
            self._index.setdefault((entry.framework, entry.kid), []).append(entry)

    def lookup(self, framework: Framework, kid: str) -> list[TrustEntry]:
        """Every entry with this key id (several DSCs may share one)."""
        return self._index.get((framework, kid), [])

    def age(self, entry: TrustEntry | None, now: datetime) -> timedelta | None:
        """How old the data vouching for `entry` (or the whole store) is at `now`."""
        stamp = (entry.listed_at if entry is not None else None) or self.as_of
        return None if stamp is None else now - stamp


def hcert_kid(kid: bytes) -> str:
    """The trust-list spelling of a COSE kid: standard base64."""
    return base64.b64encode(kid).decode("ascii")


def import_trust(data: bytes, filename: str, *, issuer: str | None = None,
                 listed_at: datetime | None = None) -> list[TrustEntry]:
    """Trust entries from a DCC gateway list, PEM/DER/base64 DSC, JWKS, VCI directory or
    our own export; raises TrustImportError naming `filename` when it cannot be read."""
    if len(data) > MAX_TRUST_BYTES:
        raise TrustImportError(f"{filename}: larger than {MAX_TRUST_BYTES} bytes")
    try:
        entries = _import(data, issuer, listed_at)
    except TrustImportError as exc:
        raise TrustImportError(f"{filename}: {exc}") from None
    except (ValueError, TypeError, KeyError, RecursionError) as exc:
        raise TrustImportError(f"{filename}: {type(exc).__name__}: {exc}") from None
    if not entries:
        raise TrustImportError(f"{filename}: no usable key in it")
    return entries


def export_trust(entries: Iterable[TrustEntry]) -> dict[str, Any]:
    """A JSON body holding entries, readable again by `import_trust` (for the center's list)."""
    hcert, shc = [], []
    for entry in entries:
        if entry.framework is Framework.HCERT:
            hcert.append({"kid": entry.kid, "country": entry.country, "certificateType": "DSC",
                          "rawData": base64.b64encode(entry.raw).decode("ascii")})
        else:
            shc.append({"iss": entry.issuer, "jwk": json.loads(entry.raw)})
    return {"hcert": hcert, "shc": shc}


def dsc_entry(der: bytes, kid: str | None = None, country: str | None = None,
              listed_at: datetime | None = None) -> TrustEntry:
    """A trust entry from one DER document signer certificate."""
    cert = x509.load_der_x509_certificate(der)
    key = cert.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
        raise TrustImportError("signer key is neither EC nor RSA")
    subject_country = cert.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)
    return TrustEntry(
        framework=Framework.HCERT,
        kid=kid or hcert_kid(hashlib.sha256(der).digest()[:8]),
        public_key=key, label=cert.subject.rfc4514_string(),
        country=country or (str(subject_country[0].value) if subject_country else None),
        not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc,
        allowed_types=_allowed_types(cert), listed_at=listed_at, raw=der)


def jwk_entry(jwk: dict[str, Any], issuer: str | None,
              listed_at: datetime | None = None) -> TrustEntry | None:
    """A trust entry from an EC P-256 signing JWK, or None for keys of other kinds."""
    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256" or jwk.get("use", "sig") != "sig":
        return None
    x, y = _b64url(jwk["x"]), _b64url(jwk["y"])
    if len(x) != 32 or len(y) != 32:
        raise TrustImportError(f"JWK {jwk.get('kid')!r}: coordinates are not 32 bytes")
    key = ec.EllipticCurvePublicNumbers(int.from_bytes(x, "big"), int.from_bytes(y, "big"),
                                        ec.SECP256R1()).public_key()
    thumbprint = jwk_thumbprint(jwk)
    if jwk.get("kid", thumbprint) != thumbprint:
        raise TrustImportError(f"JWK kid {jwk.get('kid')!r} is not its thumbprint")
    canonical = {"kty": "EC", "crv": "P-256", "x": jwk["x"], "y": jwk["y"], "kid": thumbprint,
                 "use": "sig", "alg": "ES256"}
    return TrustEntry(framework=Framework.SHC, kid=thumbprint, public_key=key,
                      label=issuer or f"JWK {thumbprint}", issuer=issuer, listed_at=listed_at,
                      raw=json.dumps(canonical, sort_keys=True).encode())


def jwk_thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 SHA-256 thumbprint of an EC JWK, base64url without padding."""
    members = json.dumps({"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"], "y": jwk["y"]},
                         separators=(",", ":"), sort_keys=True)
    return _b64url_encode(hashlib.sha256(members.encode()).digest())


def _import(data: bytes, issuer: str | None, listed_at: datetime | None) -> list[TrustEntry]:
    stripped = data.strip()
    if stripped.startswith(b"-----BEGIN"):
        return [dsc_entry(cert.public_bytes(Encoding.DER), listed_at=listed_at)
                for cert in x509.load_pem_x509_certificates(stripped)]
    if stripped[:1] in (b"[", b"{"):
        return _import_json(json.loads(stripped.decode("utf-8")), issuer, listed_at)
    if stripped[:1] == b"\x30":
        return [dsc_entry(stripped, listed_at=listed_at)]
    try:
        der = base64.b64decode(b"".join(stripped.split()), validate=True)
    except binascii.Error:
        raise TrustImportError("neither PEM, DER, base64 DER nor JSON") from None
    return [dsc_entry(der, listed_at=listed_at)]


def _import_json(body: Any, issuer: str | None,
                 listed_at: datetime | None) -> list[TrustEntry]:
    if isinstance(body, list):
        return _gateway_entries(body, listed_at)
    if not isinstance(body, dict):
        raise TrustImportError("JSON is neither a list nor an object")
    if "keys" in body:
        iss = issuer or body.get("iss")
        return [entry for jwk in _list(body["keys"], "keys")
                if (entry := jwk_entry(jwk, iss, listed_at)) is not None]
    if "participating_issuers" in body:  # the VCI directory snapshot
        entries = []
        for item in _list(body["participating_issuers"], "participating_issuers"):
            iss = item["issuer"]["iss"]
            entries += [e for jwk in _list(item.get("keys", []), "keys")
                        if (e := jwk_entry(jwk, iss, listed_at)) is not None]
        return entries
    if "hcert" in body or "shc" in body:  # our own export
        entries = _gateway_entries(_list(body.get("hcert", []), "hcert"), listed_at)
        for item in _list(body.get("shc", []), "shc"):
            if (entry := jwk_entry(item["jwk"], item.get("iss"), listed_at)) is not None:
                entries.append(entry)
        return entries
    raise TrustImportError("JSON object is not a JWKS, VCI directory or trust export")


def _gateway_entries(items: list[Any], listed_at: datetime | None) -> list[TrustEntry]:
    entries = []
    for item in items:
        if not isinstance(item, dict):
            raise TrustImportError("a trust list item is not an object")
        if item.get("certificateType", "DSC") != "DSC":
            continue  # CSCA, upload and authentication certificates sign no health codes
        der = base64.b64decode(item["rawData"], validate=True)
        entries.append(dsc_entry(der, kid=item.get("kid"), country=item.get("country"),
                                 listed_at=listed_at))
    return entries


def _allowed_types(cert: x509.Certificate) -> frozenset[CertType] | None:
    try:
        usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return None
    types = frozenset(KEY_USAGE_TYPES[oid.dotted_string] for oid in usages
                      if oid.dotted_string in KEY_USAGE_TYPES)
    return types or None  # no DCC usage among them: the signer may sign every type


def _list(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise TrustImportError(f"'{name}' is not a list")
    return value


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
