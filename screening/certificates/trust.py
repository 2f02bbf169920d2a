"""Trust for foreign certificates: DCC/DDCC document signer certificates and SHC issuer keys.

`import_trust` reads the formats these ecosystems publish (bytes in, entries out); the kiosk
holds the entries in a `CertificateTrust` with the time the data was last refreshed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from screening.certificates.framework import Framework
from screening.certificates.result import CertType
from screening.certificates.revocation import NO_REVOCATIONS, Revocations
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
# Real lists share a kid between at most a handful of DSCs (a re-issued certificate); each
# candidate costs a signature check per scan, so a list padded with thousands is refused.
MAX_ENTRIES_PER_KID = 8


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
    listed_at: datetime | None = None  # when the list it came from was fetched or signed
    crl_version: int | None = None  # SHC: the `crlVersion` its JWK announces
    raw: bytes = b""  # DER certificate (HCERT) or canonical JWK JSON (SHC), for export


@dataclass(frozen=True)
class TrustImport:
    """What one trust file gave: the usable entries, and the ones skipped with why."""

    entries: list[TrustEntry]
    skipped: list[str]


@dataclass(frozen=True)
class CertificateTrust:
    """The trust entries a kiosk holds, and when they were last refreshed."""

    entries: tuple[TrustEntry, ...] = ()
    as_of: datetime | None = None
    skipped: tuple[str, ...] = ()  # entries left out of the lists, named for staff
    revocation: Revocations = NO_REVOCATIONS
    _index: dict[tuple[Framework, str], list[TrustEntry]] = field(
        init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        for entry in self.entries:
            same = self._index.setdefault((entry.framework, entry.kid), [])
            if len(same) < MAX_ENTRIES_PER_KID:  # import names the extras; this is the bound
                same.append(entry)

    def holds(self, framework: Framework) -> bool:
        """True when any entry vouches for codes of this framework."""
        return any(entry.framework is framework for entry in self.entries)

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
    our own export; raises TrustImportError naming `filename` when nothing usable is in it."""
    return read_trust_data(data, filename, issuer=issuer, listed_at=listed_at).entries


def read_trust_data(data: bytes, filename: str, *, issuer: str | None = None,
                    listed_at: datetime | None = None) -> TrustImport:
    """Like `import_trust`, also naming the entries skipped: one malformed signer, or one
    past the per-kid cap, is left out while every other entry keeps working."""
    if len(data) > MAX_TRUST_BYTES:
        raise TrustImportError(f"{filename}: larger than {MAX_TRUST_BYTES} bytes")
    found = _Found(issuer, listed_at)
    try:
        _import(data, found)
    except TrustImportError as exc:
        raise TrustImportError(f"{filename}: {exc}") from None
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError,
            UnsupportedAlgorithm) as exc:
        raise TrustImportError(f"{filename}: {type(exc).__name__}: {str(exc)[:200]}") from None
    if not found.entries:
        why = f" ({'; '.join(found.skipped[:3])})" if found.skipped else ""
        raise TrustImportError(f"{filename}: no usable key in it{why}")
    return TrustImport(found.entries, [f"{filename}: {item}" for item in found.skipped])


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
    canonical: dict[str, Any] = {"kty": "EC", "crv": "P-256", "x": jwk["x"], "y": jwk["y"],
                                 "kid": thumbprint, "use": "sig", "alg": "ES256"}
    crl_version = jwk.get("crlVersion")
    if isinstance(crl_version, int) and not isinstance(crl_version, bool):
        canonical["crlVersion"] = crl_version  # the issuer's revocation list counter (ctr)
    return TrustEntry(framework=Framework.SHC, kid=thumbprint, public_key=key,
                      label=issuer or f"JWK {thumbprint}", issuer=issuer, listed_at=listed_at,
                      crl_version=canonical.get("crlVersion"),
                      raw=json.dumps(canonical, sort_keys=True).encode())


def jwk_thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 SHA-256 thumbprint of an EC JWK, base64url without padding."""
    members = json.dumps({"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"], "y": jwk["y"]},
                         separators=(",", ":"), sort_keys=True)
    return _b64url_encode(hashlib.sha256(members.encode()).digest())


class _Found:
    """Entries gathered from one file, and those skipped (with why)."""

    def __init__(self, issuer: str | None, listed_at: datetime | None) -> None:
        self.issuer, self.listed_at = issuer, listed_at
        self.entries: list[TrustEntry] = []
        self.skipped: list[str] = []
        self._per_kid: dict[tuple[Framework, str], int] = {}

    def add(self, where: str, make: Callable[..., TrustEntry | None], *args: Any) -> None:
        """Add the entry `make(*args)` builds; a malformed one is skipped and named."""
        try:
            entry = make(*args)
        except (ValueError, TypeError, KeyError, AttributeError, UnsupportedAlgorithm) as exc:
            self.skipped.append(f"{where}: {type(exc).__name__}: {str(exc)[:120]}")
            return
        if entry is None:
            return
        key = (entry.framework, entry.kid)
        self._per_kid[key] = self._per_kid.get(key, 0) + 1
        if self._per_kid[key] > MAX_ENTRIES_PER_KID:
            self.skipped.append(f"{where}: more than {MAX_ENTRIES_PER_KID} signers share "
                                f"kid {entry.kid[:24]}")
            return
        self.entries.append(entry)


def _import(data: bytes, found: _Found) -> None:
    stripped = data.strip()
    if stripped.startswith(b"-----BEGIN"):
        for index, cert in enumerate(x509.load_pem_x509_certificates(stripped)):
            found.add(f"certificate {index + 1}", _pem_entry, cert, found.listed_at)
    elif stripped[:1] in (b"[", b"{"):
        _import_json(json.loads(stripped.decode("utf-8")), found)
    elif data[:1] == b"\x30":  # DER as is: stripping could cut a final byte that is blank
        found.add("certificate", dsc_entry, data, None, None, found.listed_at)
    else:
        try:
            der = base64.b64decode(b"".join(stripped.split()), validate=True)
        except binascii.Error:
            raise TrustImportError("neither PEM, DER, base64 DER nor JSON") from None
        found.add("certificate", dsc_entry, der, None, None, found.listed_at)


def _import_json(body: Any, found: _Found) -> None:
    if isinstance(body, list):
        _gateway_entries(body, found, "item")
        return
    if not isinstance(body, dict):
        raise TrustImportError("JSON is neither a list nor an object")
    if "keys" in body:
        iss = found.issuer or _text(body.get("iss"))
        for index, jwk in enumerate(_list(body["keys"], "keys")):
            found.add(f"keys[{index}]", _jwk_entry, jwk, iss, found.listed_at)
    elif "participating_issuers" in body:  # the VCI directory snapshot
        for index, item in enumerate(_list(body["participating_issuers"],
                                           "participating_issuers")):
            where = f"participating_issuers[{index}]"
            try:
                iss = _object(_object(item)["issuer"])["iss"]
                keys = _list(_object(item).get("keys", []), "keys")
            except (KeyError, TrustImportError) as exc:
                found.skipped.append(f"{where}: {exc}")
                continue
            for number, jwk in enumerate(keys):
                found.add(f"{where}.keys[{number}]", _jwk_entry, jwk, _text(iss),
                          found.listed_at)
    elif "hcert" in body or "shc" in body:  # our own export
        _gateway_entries(_list(body.get("hcert", []), "hcert"), found, "hcert")
        for index, item in enumerate(_list(body.get("shc", []), "shc")):
            found.add(f"shc[{index}]", _exported_jwk_entry, item, found.listed_at)
    else:
        raise TrustImportError("JSON object is not a JWKS, VCI directory or trust export")


def _gateway_entries(items: list[Any], found: _Found, name: str) -> None:
    for index, item in enumerate(items):
        if isinstance(item, dict) and item.get("certificateType", "DSC") != "DSC":
            continue  # CSCA, upload and authentication certificates sign no health codes
        found.add(f"{name}[{index}]", _gateway_entry, item, found.listed_at)


def _pem_entry(cert: x509.Certificate, listed_at: datetime | None) -> TrustEntry:
    return dsc_entry(cert.public_bytes(Encoding.DER), listed_at=listed_at)


def _jwk_entry(jwk: Any, issuer: str | None, listed_at: datetime | None) -> TrustEntry | None:
    return jwk_entry(_object(jwk), issuer, listed_at)


def _exported_jwk_entry(item: Any, listed_at: datetime | None) -> TrustEntry | None:
    item = _object(item)
    return jwk_entry(_object(item["jwk"]), _text(item.get("iss")), listed_at)


def _gateway_entry(item: Any, listed_at: datetime | None) -> TrustEntry:
    item = _object(item)
    der = base64.b64decode(item["rawData"], validate=True)
    return dsc_entry(der, kid=_text(item.get("kid")), country=_text(item.get("country")),
                     listed_at=listed_at)


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


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"not an object but {type(value).__name__}")
    return value


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
