"""HC1 codes: base45 → zlib → COSE_Sign1 → CWT → hcert, for the EU DCC and the WHO DDCC."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import base45
import cbor2

from screening import cose
from screening.certificates import cbor_strict, eu_dcc, signatures, who_ddcc
from screening.certificates.cbor_strict import CborError, Tagged
from screening.certificates.payload import SchemaInvalid, to_json
from screening.certificates.reasons import CertReason
from screening.certificates.result import (
    CertFormat,
    CertificateFacts,
    CertificateRejected,
    CertificateVerified,
    Holder,
)
from screening.certificates.revocation import dcc_hashes
from screening.certificates.signers import candidates
from screening.certificates.timestamps import numeric_date
from screening.certificates.trust import CertificateTrust, Framework, TrustEntry, hcert_kid
from screening.inflate import ZLIB, Overflow, inflate

PREFIX = "HC1:"
MAX_INFLATED = 16 * 1024
SIGN1_TAG, CWT_TAG = 18, 61
ALG, KID = 1, 4
ISS, EXP, IAT, HCERT = 1, 4, 6, -260
EU_DCC_KEY = 1


class _Refused(Exception):
    def __init__(self, reason: CertReason, detail: str = "") -> None:
        self.reason, self.detail = reason, detail


def read(text: str, trust: CertificateTrust, now: datetime, max_trust_age: timedelta | None,
         clock_skew: timedelta) -> CertificateVerified | CertificateRejected:
    """Decode and verify an HC1 code at `now`; never raises."""
    fmt: CertFormat | None = None
    try:
        message = _cose(_inflate(_base45(text[len(PREFIX):])))
        signers = _signers(message, trust, now, max_trust_age)
        claims = _claims(message)
        fmt, payload = _payload(claims)
        holder, facts = _content(fmt, payload, claims)
        signer = _check(signers, facts, now, clock_skew, revoked=lambda: _revoked(
            trust, message, fmt, payload, claims, now))
    except _Refused as refused:
        return CertificateRejected(refused.reason, refused.detail, fmt)
    age = trust.age(signer, now)
    return CertificateVerified(
        format=fmt, holder=holder, facts=facts, kid=signer.kid, signer=signer.label,
        signer_expires_at=signer.not_after,
        trust_age_s=age.total_seconds() if age is not None else None,
        payload=to_json(payload) if fmt is CertFormat.EU_DCC else None)


def _base45(body: str) -> bytes:
    try:
        return base45.b45decode(body)
    except (ValueError, KeyError, IndexError) as exc:
        raise _Refused(CertReason.BAD_BASE45, str(exc)) from None


def _inflate(data: bytes) -> bytes:
    try:
        return inflate(data, ZLIB, MAX_INFLATED)
    except Overflow as exc:
        raise _Refused(CertReason.TOO_LARGE, str(exc)) from None
    except zlib.error as exc:
        raise _Refused(CertReason.BAD_COMPRESSION, str(exc)) from None


class _Sign1:
    def __init__(self, protected: bytes, header: dict[Any, Any], kid: bytes, alg: Any,
                 payload: bytes, signature: bytes) -> None:
        self.protected, self.header, self.kid, self.alg = protected, header, kid, alg
        self.payload, self.signature = payload, signature

    @property
    def to_be_signed(self) -> bytes:
        """The COSE Sig_structure the signature covers (encoding is safe; decoding is not)."""
        return cbor2.dumps(["Signature1", self.protected, b"", self.payload])


def _cose(data: bytes) -> _Sign1:
    try:
        obj = cbor_strict.loads(data, tags=(SIGN1_TAG, CWT_TAG))
        if isinstance(obj, Tagged) and obj.tag == CWT_TAG:
            obj = obj.value
        if isinstance(obj, Tagged) and obj.tag == SIGN1_TAG:
            obj = obj.value
        protected, header, unprotected, payload, signature = cose.sign1_parts(
            obj, cbor_strict.LIMITS)
    except (CborError, cose.CoseError) as exc:
        raise _Refused(CertReason.BAD_COSE, str(exc)) from None
    # The kid belongs in the protected header; some issuers put it in the unprotected one,
    # which the DCC specification lets verifiers accept.
    kid = header.get(KID, unprotected.get(KID))
    if not isinstance(kid, bytes) or not kid:
        raise _Refused(CertReason.BAD_COSE, "no kid in the COSE headers")
    # So may alg be, as the EU reference verifier accepts; the protected one wins. The
    # signature still binds the payload, and the key's type must fit the algorithm.
    alg = header.get(ALG, unprotected.get(ALG))
    return _Sign1(protected, header, kid, alg, payload, signature)


def _signers(message: _Sign1, trust: CertificateTrust, now: datetime,
             max_age: timedelta | None) -> list[TrustEntry]:
    algorithm = _algorithm(message)
    if algorithm is None:
        raise _Refused(CertReason.UNSUPPORTED_ALGORITHM, f"COSE alg {str(message.alg)[:20]}")
    found = candidates(trust, Framework.HCERT, hcert_kid(message.kid), now, max_age, None)
    if isinstance(found, CertificateRejected):
        raise _Refused(found.reason, found.detail)
    good = [entry for entry in found
            if signatures.verify(algorithm, entry.public_key, message.signature,
                                 message.to_be_signed)]
    if not good:
        raise _Refused(CertReason.BAD_SIGNATURE, f"kid {hcert_kid(message.kid)}")
    return good


def _algorithm(message: _Sign1) -> str | None:
    alg = message.alg
    if isinstance(alg, bool) or not isinstance(alg, int):
        return None
    return signatures.COSE_ALGORITHMS.get(alg)


def _claims(message: _Sign1) -> dict[Any, Any]:
    try:
        claims = cbor_strict.loads(message.payload, tags=(0, 1))
    except CborError as exc:
        raise _Refused(CertReason.BAD_COSE, f"payload: {exc}") from None
    if not isinstance(claims, dict):
        raise _Refused(CertReason.BAD_COSE, "CWT claims are not a map")
    return claims


def _payload(claims: dict[Any, Any]) -> tuple[CertFormat, Any]:
    # Found by content, in WHO's validator's order: the EU DCC under -260/1, else the whole
    # payload as WHO's core data set (WHO's own samples), else a data set under a subclaim.
    hcert = claims.get(HCERT)
    if not isinstance(hcert, dict):
        if who_ddcc.is_core_data_set(claims):
            return CertFormat.WHO_DDCC, claims
        raise _Refused(CertReason.SCHEMA_INVALID, "no hcert claim (-260) nor a DDCC data set")
    if EU_DCC_KEY in hcert:
        if who_ddcc.is_core_data_set(hcert[EU_DCC_KEY]):
            return CertFormat.WHO_DDCC, hcert[EU_DCC_KEY]
        return CertFormat.EU_DCC, hcert[EU_DCC_KEY]
    if (ddcc := who_ddcc.find(hcert)) is not None:
        return CertFormat.WHO_DDCC, ddcc
    raise _Refused(CertReason.SCHEMA_INVALID, "hcert claim holds no DCC or DDCC")


def _content(fmt: CertFormat, payload: Any,
             claims: dict[Any, Any]) -> tuple[Holder, CertificateFacts]:
    reader = eu_dcc.read if fmt is CertFormat.EU_DCC else who_ddcc.read
    try:
        holder, facts = reader(payload)
    except SchemaInvalid as exc:
        raise _Refused(CertReason.SCHEMA_INVALID, str(exc)) from None
    issued, expires = numeric_date(claims.get(IAT)), numeric_date(claims.get(EXP))
    if IAT in claims and issued is None or EXP in claims and expires is None:
        raise _Refused(CertReason.SCHEMA_INVALID, "iat or exp is not a NumericDate")
    if fmt is CertFormat.EU_DCC and (issued is None or expires is None):
        raise _Refused(CertReason.SCHEMA_INVALID, "a DCC needs iat and exp")
    country = claims.get(ISS) if isinstance(claims.get(ISS), str) else None
    return holder, replace(facts, issued_at=issued, expires_at=expires,
                           issuer_country=country or facts.issuer_country)


def _revoked(trust: CertificateTrust, message: _Sign1, fmt: CertFormat, payload: Any,
             claims: dict[Any, Any], now: datetime) -> str | None:
    """The hash type under which the signer's EU list revokes this DCC, or None."""
    lists = trust.revocation
    if fmt is not CertFormat.EU_DCC or not (lists.dcc or lists.dcc_slices):
        return None
    # Only the first v/t/r entry is checked, as the EU's verifiers do.
    entries = [payload[k][0] for k in ("v", "t", "r")
               if isinstance(payload.get(k), list) and payload[k]
               and isinstance(payload[k][0], dict)]
    entry: dict[str, Any] = entries[0] if entries else {}
    country = claims.get(ISS) if isinstance(claims.get(ISS), str) else None
    hashes = dcc_hashes(entry, country, message.signature, _algorithm(message) or "")
    return lists.dcc_revoked(hcert_kid(message.kid), hashes, now)


def _check(signers: list[TrustEntry], facts: CertificateFacts, now: datetime,
           skew: timedelta, revoked: Callable[[], str | None]) -> TrustEntry:
    # The signer must have been valid when it signed (iat): DCCs outlive their DSC's
    # validity by design, and the kiosk shows the DSC's end beside the verdict.
    signed_at = facts.issued_at or now
    timely = [e for e in signers if _valid_at(e, signed_at)]
    if not timely:
        early = any(e.not_before is not None and signed_at < e.not_before for e in signers)
        raise _Refused(CertReason.SIGNER_NOT_YET_VALID if early else CertReason.SIGNER_EXPIRED,
                       f"signed at {signed_at.isoformat()}")
    allowed = [e for e in timely if e.allowed_types is None or facts.type in e.allowed_types]
    if not allowed:
        usages = sorted(str(t) for t in timely[0].allowed_types or ())
        raise _Refused(CertReason.KEY_USAGE_MISMATCH, f"{facts.type} signed by a key for {usages}")
    # The EU's verifiers rank a revocation after the signer's checks, before the validity
    # window: a revoked certificate says so even once it has expired.
    if (hash_type := revoked()) is not None:
        raise _Refused(CertReason.REVOKED, f"listed by {hash_type} hash")
    if facts.issued_at is not None and facts.issued_at > now + skew:
        raise _Refused(CertReason.NOT_YET_VALID, f"issued at {facts.issued_at.isoformat()}")
    if facts.expires_at is not None and now >= facts.expires_at:
        raise _Refused(CertReason.EXPIRED, f"expired at {facts.expires_at.isoformat()}")
    return allowed[0]


def _valid_at(entry: TrustEntry, moment: datetime) -> bool:
    after_start = entry.not_before is None or entry.not_before <= moment
    return after_start and (entry.not_after is None or moment <= entry.not_after)
