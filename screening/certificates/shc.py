"""SMART Health Cards: `shc:/` digits → compact JWS (ES256, `zip: DEF`) → FHIR bundle."""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from datetime import datetime, timedelta
from typing import Any

from screening.certificates import signatures
from screening.certificates.payload import count, text
from screening.certificates.reasons import CertReason
from screening.certificates.result import (
    CertFormat,
    CertificateFacts,
    CertificateRejected,
    CertificateVerified,
    CertType,
    Holder,
)
from screening.certificates.revocation import fhir_rid
from screening.certificates.signers import candidates
from screening.certificates.timestamps import numeric_date
from screening.certificates.trust import CertificateTrust, Framework
from screening.inflate import RAW_DEFLATE, Overflow, inflate

PREFIX = "shc:/"
MAX_INFLATED = 64 * 1024
HEALTH_CARD = "https://smarthealth.cards#health-card"
# SNOMED CT qualitative results commonly used in SHC lab Observations
TEST_RESULTS = {"260385009": "negative", "260415000": "negative", "10828004": "positive",
                "260373001": "positive"}
FMT = CertFormat.SHC


def read(code: str, trust: CertificateTrust, now: datetime, max_trust_age: timedelta | None,
         clock_skew: timedelta) -> CertificateVerified | CertificateRejected:
    """Decode and verify a SMART Health Card QR text at `now`; never raises."""
    jws = _jws_text(code[len(PREFIX):])
    if isinstance(jws, CertificateRejected):
        return jws
    parts = jws.split(".")
    if len(parts) != 3:
        return _reject(CertReason.BAD_JWS, "compact JWS needs three parts")
    header = _json(_b64url(parts[0]))
    signature = _b64url(parts[2])
    if not isinstance(header, dict) or signature is None or _b64url(parts[1]) is None:
        return _reject(CertReason.BAD_JWS, "header or signature is not base64url JSON")
    if header.get("alg") != signatures.ES256:
        return _reject(CertReason.UNSUPPORTED_ALGORITHM, f"JWS alg {header.get('alg')!r}")
    if header.get("zip") != "DEF" or not isinstance(header.get("kid"), str):
        return _reject(CertReason.BAD_JWS, "header lacks zip DEF or kid")
    found = candidates(trust, Framework.SHC, header["kid"], now, max_trust_age, FMT)
    if isinstance(found, CertificateRejected):
        return found
    signed = f"{parts[0]}.{parts[1]}".encode("ascii")
    good = [e for e in found if signatures.verify(signatures.ES256, e.public_key, signature,
                                                  signed)]
    if not good:
        return _reject(CertReason.BAD_SIGNATURE, f"kid {header['kid']}")
    try:
        claims = _json(inflate(_b64url(parts[1]) or b"", RAW_DEFLATE, MAX_INFLATED))
    except Overflow as exc:
        return _reject(CertReason.TOO_LARGE, str(exc))
    except zlib.error as exc:
        return _reject(CertReason.BAD_COMPRESSION, str(exc))
    return _verify_claims(claims, good, trust, now, clock_skew)


def _jws_text(digits: str) -> str | CertificateRejected:
    if "/" in digits:
        return _reject(CertReason.SHC_CHUNKED, "shc:/N/M/ codes")
    if not digits.isascii() or not digits.isdigit() or len(digits) % 2:
        return _reject(CertReason.BAD_SHC_DIGITS, "needs an even number of digits")
    values = [int(digits[i:i + 2]) for i in range(0, len(digits), 2)]
    if any(v > 77 for v in values):  # chr(77 + 45) == "z", the last base64url character
        return _reject(CertReason.BAD_SHC_DIGITS, "pair above 77")
    return "".join(chr(v + 45) for v in values)


def _verify_claims(claims: Any, signers: list[Any], trust: CertificateTrust, now: datetime,
                   skew: timedelta) -> CertificateVerified | CertificateRejected:
    if not isinstance(claims, dict):
        return _reject(CertReason.SCHEMA_INVALID, "payload is not a JSON object")
    matching = [e for e in signers if e.issuer is None or e.issuer == claims.get("iss")]
    if not matching:
        return _reject(CertReason.ISSUER_MISMATCH, f"iss {str(claims.get('iss'))[:80]!r}")
    signer = matching[0]
    content = _content(claims)
    if isinstance(content, CertificateRejected):
        return content
    holder, facts = content
    if trust.revocation.shc_revoked(signer.kid, _rid(claims, trust, signer.kid),
                                    facts.issued_at):
        return _reject(CertReason.REVOKED, f"rid listed by key {signer.kid[:16]}")
    if facts.issued_at is not None and facts.issued_at > now + skew:
        return _reject(CertReason.NOT_YET_VALID, f"nbf {facts.issued_at.isoformat()}")
    if facts.expires_at is not None and now >= facts.expires_at:
        return _reject(CertReason.EXPIRED, f"exp {facts.expires_at.isoformat()}")
    age = trust.age(signer, now)
    return CertificateVerified(format=FMT, holder=holder, facts=facts, kid=signer.kid,
                               signer=signer.label,
                               trust_age_s=age.total_seconds() if age is not None else None)


def _rid(claims: dict[str, Any], trust: CertificateTrust, kid: str) -> str | None:
    """The card's `rid`; for a legacy card without one, under a key whose list is
    `hash-fhir`, the rid its bundle hashes to."""
    vc = claims.get("vc")
    rid = vc.get("rid") if isinstance(vc, dict) else None
    if isinstance(rid, str):
        return rid
    crl = trust.revocation.shc.get(kid)
    if crl is None or crl.method != "hash-fhir" or not isinstance(vc, dict):
        return None
    subject = vc.get("credentialSubject")
    return fhir_rid(subject.get("fhirBundle")) if isinstance(subject, dict) else None


def _content(claims: dict[str, Any]) -> tuple[Holder, CertificateFacts] | CertificateRejected:
    nbf, exp = numeric_date(claims.get("nbf")), numeric_date(claims.get("exp"))
    vc = claims.get("vc")
    subject = vc.get("credentialSubject") if isinstance(vc, dict) else None
    bundle = subject.get("fhirBundle") if isinstance(subject, dict) else None
    types = vc.get("type") if isinstance(vc, dict) else None
    if nbf is None or ("exp" in claims and exp is None):
        return _reject(CertReason.SCHEMA_INVALID, "nbf missing or exp not a NumericDate")
    if not isinstance(types, list) or HEALTH_CARD not in types:
        return _reject(CertReason.SCHEMA_INVALID, "vc.type lacks the health-card type")
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle" \
            or not isinstance(bundle.get("entry"), list):
        return _reject(CertReason.SCHEMA_INVALID, "no FHIR Bundle with entries")
    resources: list[dict[str, Any]] = [
        e["resource"] for e in bundle["entry"]
        if isinstance(e, dict) and isinstance(e.get("resource"), dict)]
    patient = next((r for r in resources if r.get("resourceType") == "Patient"), None)
    if patient is None:
        return _reject(CertReason.SCHEMA_INVALID, "no Patient in the bundle")
    facts = _facts(resources)
    if facts is None:
        return _reject(CertReason.SCHEMA_INVALID, "no completed Immunization nor lab Observation")
    holder = Holder(name=_name(patient), date_of_birth=text(patient.get("birthDate")))
    return holder, CertificateFacts(
        type=facts.type, date=facts.date, doses=facts.doses, test_result=facts.test_result,
        issuer=text(claims.get("iss")), issued_at=nbf, expires_at=exp)


def _facts(resources: list[dict[str, Any]]) -> CertificateFacts | None:
    doses = [r for r in resources if r.get("resourceType") == "Immunization"
             and r.get("status") == "completed"]
    if doses:
        dates = sorted(d for r in doses if (d := text(r.get("occurrenceDateTime"))))
        # SHC lists each dose as its own Immunization; the series size is not carried
        return CertificateFacts(type=CertType.VACCINATION, doses=count(len(doses)),
                                date=dates[-1] if dates else None)
    tests = [r for r in resources if r.get("resourceType") == "Observation"]
    if tests:
        test = tests[-1]
        return CertificateFacts(type=CertType.TEST, date=text(test.get("effectiveDateTime")),
                                test_result=_result(test.get("valueCodeableConcept")))
    return None


def _name(patient: dict[str, Any]) -> str:
    names = patient.get("name")
    first = names[0] if isinstance(names, list) and names and isinstance(names[0], dict) else {}
    family = text(first.get("family"))
    given = first.get("given")
    given_text = " ".join(g for g in given if isinstance(g, str)) if isinstance(given, list) \
        else None
    return ", ".join(p for p in (family, given_text) if p) or text(first.get("text")) or ""


def _result(concept: Any) -> str | None:
    codings = concept.get("coding") if isinstance(concept, dict) else None
    if not isinstance(codings, list) or not codings or not isinstance(codings[0], dict):
        return None
    code = text(codings[0].get("code"))
    return TEST_RESULTS.get(code, code) if code else None


def _b64url(part: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        return None


def _json(data: bytes | None) -> Any:
    if data is None:
        return None
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


def _reject(reason: CertReason, detail: str) -> CertificateRejected:
    return CertificateRejected(reason, detail, FMT)
