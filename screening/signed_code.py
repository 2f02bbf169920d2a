"""The declaration code on the wire: CBOR claims in COSE_Sign1 (EdDSA), zlib, base45, prefix.

The layout follows the EU digital COVID certificate, so off-the-shelf tools can take it apart.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime

import base45
import cbor2

from screening import cose
from screening.declaration import (
    SCHEMA_VERSION,
    Declaration,
    from_claims,
    nfc,
    to_claims,
)
from screening.keys import SigningKey, VerifyKey
from screening.reasons import Reason

PREFIX = "KB1:"  # "khai báo" v1; uppercase and ':' keep the QR in alphanumeric mode
MAX_CODE_CHARS = 4096
MAX_PAYLOAD_BYTES = 16384  # cap on inflated size: a zlib bomb must not exhaust a kiosk


@dataclass(frozen=True)
class Verified:
    """A declaration whose signature, issuer and validity window all check out."""

    declaration: Declaration
    kid: bytes


@dataclass(frozen=True)
class Rejected:
    """A declaration code that must not be trusted, and why."""

    reason: Reason
    detail: str = ""
    declaration: Declaration | None = None  # the unverified claims, when they could be read


def issue(decl: Declaration, key: SigningKey) -> str:
    """Sign a declaration and return the code text for the QR."""
    decl = decl.normalized()
    decl.validate()
    signed = cose.sign(cbor2.dumps(to_claims(decl)), key)
    return PREFIX + base45.b45encode(zlib.compress(signed, 9)).decode("ascii")


def looks_like_declaration(text: str) -> bool:
    """True when the text carries the declaration prefix."""
    return text.startswith(PREFIX)


def read(text: str, trusted: dict[bytes, VerifyKey], now: datetime) -> Verified | Rejected:
    """Verify a declaration code against trusted issuer keys at time `now`; never raises."""
    if len(text) > MAX_CODE_CHARS:
        return Rejected(Reason.TOO_LARGE, f"{len(text)} characters")
    if not looks_like_declaration(text):
        return Rejected(Reason.UNSUPPORTED_CODE, text[:12])
    try:
        compressed = base45.b45decode(text[len(PREFIX):])
    except (ValueError, KeyError, IndexError) as exc:
        return Rejected(Reason.BAD_BASE45, str(exc))
    try:
        inflater = zlib.decompressobj()
        signed = inflater.decompress(compressed, MAX_PAYLOAD_BYTES)
        if inflater.unconsumed_tail:
            return Rejected(Reason.TOO_LARGE, "payload inflates past the limit")
        if not inflater.eof:
            return Rejected(Reason.BAD_COMPRESSION, "truncated")
    except zlib.error as exc:
        return Rejected(Reason.BAD_COMPRESSION, str(exc))
    return _verify_signed(signed, trusted, now)


def _verify_signed(signed: bytes, trusted: dict[bytes, VerifyKey],
                   now: datetime) -> Verified | Rejected:
    try:
        message = cose.decode(signed)
    except cose.CoseError as exc:
        return Rejected(Reason.BAD_COSE, str(exc))
    if message.alg != cose.EDDSA:
        return Rejected(Reason.BAD_COSE, f"algorithm {message.alg} is not EdDSA")
    try:
        claims = cbor2.loads(message.payload)
    except Exception as exc:  # cbor2 raises several types on garbage
        return Rejected(Reason.BAD_COSE, f"payload is not CBOR: {type(exc).__name__}")
    unverified = _try_claims(claims)
    key = trusted.get(message.kid)
    if key is None:
        return Rejected(Reason.UNKNOWN_KEY, message.kid.hex(), unverified)
    if not message.verify(key):
        return Rejected(Reason.BAD_SIGNATURE, "", unverified)
    return _check_claims(claims, message.kid, now)


def _try_claims(claims: object) -> Declaration | None:
    try:
        return from_claims(claims)
    except ValueError:
        return None


def _check_claims(claims: object, kid: bytes, now: datetime) -> Verified | Rejected:
    if isinstance(claims, dict) and claims.get("v") != SCHEMA_VERSION:
        return Rejected(Reason.UNSUPPORTED_VERSION, f"version {claims.get('v')!r}")
    try:
        decl = from_claims(claims)
    except ValueError as exc:
        return Rejected(Reason.BAD_CLAIMS, str(exc))
    if any(text != nfc(text) for text in decl.texts()):
        return Rejected(Reason.TEXT_NOT_NFC, "", decl)
    if now < decl.issued_at:
        return Rejected(Reason.NOT_YET_VALID, decl.issued_at.isoformat(), decl)
    if now >= decl.expires_at:
        return Rejected(Reason.EXPIRED, decl.expires_at.isoformat(), decl)
    return Verified(decl, kid)
