"""The declaration code on the wire: CBOR claims in COSE_Sign1 (EdDSA), zlib, base45, prefix.

The layout follows the EU digital COVID certificate, so off-the-shelf tools can take it apart.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime

import base45
import cbor2

from screening import cbor_strict, cose
from screening.declaration import (
    SCHEMA_VERSION,
    Declaration,
    from_claims,
    nfc,
    to_claims,
)
from screening.inflate import ZLIB, Overflow, TrailingData, inflate
from screening.keys import SigningKey, VerifyKey
from screening.reasons import Reason
from screening.validity import DEFAULT_RULES, ValidityRules

PREFIX = "KB1:"  # "khai báo" v1; uppercase and ':' keep the QR in alphanumeric mode
MAX_CODE_CHARS = 4096
MAX_PAYLOAD_BYTES = 16384  # cap on inflated size: a zlib bomb must not exhaust a kiosk
# A claim map is flat but for places and symptoms: [province, ward], a few symptom names.
CLAIM_LIMITS = cbor_strict.Limits(max_depth=2, max_items=64, max_string=2048)


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
    declaration: Declaration | None = None  # the claims, when they could be read strictly


def issue(decl: Declaration, key: SigningKey) -> str:
    """Sign a declaration and return the code text for the QR."""
    decl = decl.normalized()
    decl.validate()
    signed = cose.sign(cbor2.dumps(to_claims(decl)), key)
    return PREFIX + base45.b45encode(zlib.compress(signed, 9)).decode("ascii")


def looks_like_declaration(text: str) -> bool:
    """True when the text carries the declaration prefix."""
    return text.startswith(PREFIX)


def read(text: str, trusted: dict[bytes, VerifyKey], now: datetime,
         rules: ValidityRules = DEFAULT_RULES) -> Verified | Rejected:
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
        signed = inflate(compressed, ZLIB, MAX_PAYLOAD_BYTES)
    except Overflow:
        return Rejected(Reason.TOO_LARGE, "payload inflates past the limit")
    except TrailingData as exc:
        # Junk after a valid stream would give one declaration many texts (and QR codes).
        return Rejected(Reason.TRAILING_DATA, str(exc))
    except zlib.error as exc:
        return Rejected(Reason.BAD_COMPRESSION, str(exc))
    return _verify_signed(signed, trusted, now, rules)


def _verify_signed(signed: bytes, trusted: dict[bytes, VerifyKey], now: datetime,
                   rules: ValidityRules) -> Verified | Rejected:
    try:
        message = cose.decode(signed)
    except cose.CoseError as exc:
        return Rejected(Reason.BAD_COSE, str(exc))
    if message.alg != cose.EDDSA:
        return Rejected(Reason.BAD_COSE, f"algorithm {message.alg} is not EdDSA")
    # The signature is checked before any claim is read, so no claim can sway the check.
    key = trusted.get(message.kid)
    if key is None:
        return Rejected(Reason.UNKNOWN_KEY, message.kid.hex(), _unverified(message.payload))
    if not message.verify(key):
        return Rejected(Reason.BAD_SIGNATURE, "", _unverified(message.payload))
    try:
        claims = cbor_strict.loads(message.payload, CLAIM_LIMITS)
    except cbor_strict.CborError as exc:
        return Rejected(Reason.BAD_CLAIMS, f"claims are not plain CBOR: {exc}")
    return _check_claims(claims, message.kid, now, rules)


def _unverified(payload: bytes) -> Declaration | None:
    # Who presented a forged code matters to staff and the center's alert, so its claims are
    # shown, marked as forged. They are read exactly as strictly as signed ones (no tags,
    # bounded sizes), so a stranger's payload costs no more than a CCCD line.
    try:
        return from_claims(cbor_strict.loads(payload, CLAIM_LIMITS))
    except ValueError:
        return None


def _check_claims(claims: object, kid: bytes, now: datetime,
                  rules: ValidityRules) -> Verified | Rejected:
    version = claims.get("v") if isinstance(claims, dict) else None
    if isinstance(claims, dict) and version != SCHEMA_VERSION:
        shown = version if isinstance(version, int) else type(version).__name__
        return Rejected(Reason.UNSUPPORTED_VERSION, f"version {shown}")
    try:
        decl = from_claims(claims)
    except ValueError as exc:
        return Rejected(Reason.BAD_CLAIMS, str(exc))
    if any(text != nfc(text) for text in decl.texts()):
        return Rejected(Reason.TEXT_NOT_NFC, "", decl)
    problem = rules.check(decl.issued_at, decl.expires_at, now)
    if problem is not None:
        return Rejected(*problem, decl)
    return Verified(decl, kid)
