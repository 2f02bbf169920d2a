"""Issuing certificates with keys handed in: test vectors, the bench and simulated travellers.

A kiosk never issues foreign certificates; this is the reference the reader is tested against.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import base45
import cbor2
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from screening.certificates.result import CertType
from screening.certificates.signatures import ES256, PS256, PSS_SALT_BYTES
from screening.certificates.trust import KEY_USAGE_TYPES, jwk_thumbprint

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
COSE_ALG = {ES256: -7, PS256: -37}
USAGE_OIDS = {kind: oid for oid, kind in KEY_USAGE_TYPES.items()
              if oid.startswith("1.3.6.1.4.1.1847.")}


def make_dsc(key: PrivateKey, not_before: datetime, not_after: datetime, *,
             country: str = "XX", name: str = "Test DSC",
             types: Iterable[CertType] | None = None) -> bytes:
    """A self-signed document signer certificate (DER); `types` adds the DCC key usages."""
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, country),
                         x509.NameAttribute(NameOID.COMMON_NAME, name)])
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(not_before).not_valid_after(not_after))
    if types is not None:
        usages = [x509.ObjectIdentifier(USAGE_OIDS[t]) for t in types]
        builder = builder.add_extension(x509.ExtendedKeyUsage(usages), critical=False)
    return builder.sign(key, hashes.SHA256()).public_bytes(Encoding.DER)


def cwt_claims(hcert: dict[int, Any], issuer: str, issued_at: datetime,
               expires_at: datetime) -> dict[int, Any]:
    """CWT claims around an hcert map: iss, iat, exp and -260."""
    return {1: issuer, 6: int(issued_at.timestamp()), 4: int(expires_at.timestamp()),
            -260: hcert}


def sign_hcert(claims: dict[Any, Any], key: PrivateKey, kid: bytes, *,
               kid_protected: bool = True, alg_protected: bool = True) -> str:
    """An HC1 code: the claims (CWT claims, or WHO's core data set as it is) in COSE_Sign1
    (ES256 for EC keys, PS256 for RSA), zlib, base45."""
    algorithm = ES256 if isinstance(key, ec.EllipticCurvePrivateKey) else PS256
    header: dict[int, Any] = {}
    unprotected: dict[int, Any] = {}
    (header if alg_protected else unprotected)[1] = COSE_ALG[algorithm]
    (header if kid_protected else unprotected)[4] = kid
    protected = cbor2.dumps(header)
    payload = cbor2.dumps(claims)
    to_sign = cbor2.dumps(["Signature1", protected, b"", payload])
    signature = _sign(key, to_sign)
    message = cbor2.dumps(cbor2.CBORTag(18, [protected, unprotected, payload, signature]))
    return "HC1:" + base45.b45encode(zlib.compress(message, 9)).decode("ascii")


def jwk_of(key: ec.EllipticCurvePublicKey) -> dict[str, str]:
    """The public JWK (with its thumbprint as kid) an SHC issuer publishes."""
    numbers = key.public_numbers()
    jwk = {"kty": "EC", "crv": "P-256", "x": _b64url(numbers.x.to_bytes(32, "big")),
           "y": _b64url(numbers.y.to_bytes(32, "big")), "use": "sig", "alg": ES256}
    return {**jwk, "kid": jwk_thumbprint(jwk)}


def sign_shc(claims: dict[str, Any], key: ec.EllipticCurvePrivateKey) -> str:
    """A `shc:/` numeric code: the claims raw-DEFLATE'd in a compact JWS signed ES256."""
    header = {"zip": "DEF", "alg": ES256, "kid": jwk_of(key.public_key())["kid"]}
    deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = deflater.compress(json.dumps(claims, separators=(",", ":")).encode()) + \
        deflater.flush()
    signing_input = f"{_b64url(json.dumps(header).encode())}.{_b64url(body)}"
    jws = f"{signing_input}.{_b64url(_sign(key, signing_input.encode('ascii')))}"
    return "shc:/" + "".join(f"{ord(c) - 45:02d}" for c in jws)


def _sign(key: PrivateKey, data: bytes) -> bytes:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return key.sign(data, padding.PSS(padding.MGF1(hashes.SHA256()), PSS_SALT_BYTES),
                    hashes.SHA256())


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
