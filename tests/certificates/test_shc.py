"""SMART Health Cards: `shc:/` digits, ES256 JWS by issuer kid, the FHIR bundle's facts."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

from cryptography.hazmat.primitives.asymmetric import ec

from screening.certificates import (
    CertFormat,
    CertificateTrust,
    CertificateVerified,
    CertReason,
    CertType,
    read_certificate,
)
from screening.certificates.issue import jwk_of, sign_shc
from screening.certificates.trust import jwk_entry
from tests.certificates.vectors import NOW, SHC_ISSUER, rejected, shc_claims


def numeric(jws: str) -> str:
    return "shc:/" + "".join(f"{ord(c) - 45:02d}" for c in jws)


def jws_of(code: str) -> str:
    digits = code[5:]
    return "".join(chr(int(digits[i:i + 2]) + 45) for i in range(0, len(digits), 2))


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_a_card_from_a_trusted_issuer_verifies(shc_key, trust):
    result = read_certificate(sign_shc(shc_claims(), shc_key), trust, NOW)
    assert isinstance(result, CertificateVerified), result
    assert result.format is CertFormat.SHC
    assert result.holder.name == "Anyperson, John B."
    assert result.holder.date_of_birth == "1951-01-20"
    assert (result.facts.type, result.facts.doses, result.facts.date) == (
        CertType.VACCINATION, 2, "2021-01-29")
    assert result.signer == SHC_ISSUER


def test_a_lab_result_card_gives_a_test_fact(shc_key, trust):
    claims = shc_claims()
    claims["vc"]["credentialSubject"]["fhirBundle"]["entry"][1:] = [{"resource": {
        "resourceType": "Observation", "status": "final", "effectiveDateTime": "2022-05-31",
        "valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct",
                                             "code": "260385009"}]}}}]
    result = read_certificate(sign_shc(claims, shc_key), trust, NOW)
    assert isinstance(result, CertificateVerified)
    assert result.facts.type is CertType.TEST and result.facts.test_result == "negative"


def test_one_tampered_character_is_a_bad_signature(shc_key, trust):
    header, payload, signature = jws_of(sign_shc(shc_claims(), shc_key)).split(".")
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    assert rejected(numeric(f"{header}.{payload}.{flipped}"), trust) is CertReason.BAD_SIGNATURE


def test_an_unknown_issuer_key_is_named(trust):
    stranger = ec.generate_private_key(ec.SECP256R1())
    assert rejected(sign_shc(shc_claims(), stranger), trust) is CertReason.UNKNOWN_KEY


def test_the_iss_must_match_the_trusted_issuer(shc_key, trust):
    code = sign_shc(shc_claims(iss="https://elsewhere.example"), shc_key)
    assert rejected(code, trust) is CertReason.ISSUER_MISMATCH


def test_a_key_imported_without_an_issuer_trusts_the_key_alone(shc_key):
    entry = jwk_entry(jwk_of(shc_key.public_key()), None, NOW)
    assert entry is not None
    code = sign_shc(shc_claims(iss="https://elsewhere.example"), shc_key)
    assert isinstance(read_certificate(code, CertificateTrust((entry,)), NOW),
                      CertificateVerified)


def test_validity_window(shc_key, trust):
    expired = sign_shc(shc_claims(exp=int((NOW - timedelta(hours=1)).timestamp())), shc_key)
    assert rejected(expired, trust) is CertReason.EXPIRED
    future = sign_shc(shc_claims(nbf=int((NOW + timedelta(days=1)).timestamp())), shc_key)
    assert rejected(future, trust) is CertReason.NOT_YET_VALID


def test_stale_trust(shc_key, trust):
    code = sign_shc(shc_claims(), shc_key)
    assert rejected(code, trust, max_trust_age=timedelta(minutes=1)) is CertReason.TRUST_STALE


def test_damaged_cards_say_which_layer_broke(shc_key, trust):
    assert rejected("shc:/1/2/5676", trust) is CertReason.SHC_CHUNKED
    assert rejected("shc:/123", trust) is CertReason.BAD_SHC_DIGITS
    assert rejected("shc:/99", trust) is CertReason.BAD_SHC_DIGITS
    assert rejected(numeric("abc.def"), trust) is CertReason.BAD_JWS
    header = b64url(json.dumps({"alg": "RS256", "kid": "x", "zip": "DEF"}).encode())
    assert rejected(numeric(f"{header}.e30.AAAA"), trust) is CertReason.UNSUPPORTED_ALGORITHM


def test_a_signed_payload_that_does_not_inflate_is_bad_compression(shc_key, trust):
    from screening.certificates import issue

    header = b64url(json.dumps({"zip": "DEF", "alg": "ES256",
                                "kid": jwk_of(shc_key.public_key())["kid"]}).encode())
    signing_input = f"{header}.{b64url(b'not deflate data')}"
    jws = f"{signing_input}.{b64url(issue._sign(shc_key, signing_input.encode()))}"
    assert rejected(numeric(jws), trust) is CertReason.BAD_COMPRESSION


def test_a_payload_that_is_not_a_health_card_is_schema_invalid(shc_key, trust):
    claims = shc_claims()
    claims["vc"]["type"] = ["VerifiableCredential"]
    assert rejected(sign_shc(claims, shc_key), trust) is CertReason.SCHEMA_INVALID
    no_patient = shc_claims()
    no_patient["vc"]["credentialSubject"]["fhirBundle"]["entry"].pop(0)
    assert rejected(sign_shc(no_patient, shc_key), trust) is CertReason.SCHEMA_INVALID
