"""A revoked certificate is never shown valid: EU DCC lists per signer, SMART issuer lists."""

from __future__ import annotations

import base64
import json
import zlib
from datetime import timedelta

import base45
import cbor2
import pytest

from screening.certificates import (
    CertificateTrust,
    CertificateVerified,
    CertReason,
    Framework,
    read_certificate,
)
from screening.certificates.issue import sign_shc
from screening.certificates.revocation import truncated_sha256
from screening.certificates.revocation_lists import (
    export_revocations,
    merge_revocations,
    read_revocation_json,
    revocations_from_body,
)
from tests.certificates.vectors import NOW, rejected, shc_claims, vaccination

UCI = "URN:UVCI:01:VN:LOST#4"


def batch(kid: str, hash_type: str, *hashes: bytes, expires=NOW + timedelta(days=90)) -> dict:
    """An EU gateway revocation batch as the gateway serves it (unsigned JSON content)."""
    return {"country": "VN", "expires": expires.isoformat().replace("+00:00", "Z"), "kid": kid,
            "hashType": hash_type, "entries": [{"hash": base64.b64encode(h).decode()}
                                               for h in hashes]}


def with_lists(trust: CertificateTrust, *bodies: dict) -> CertificateTrust:
    lists = merge_revocations(read_revocation_json(b, NOW).revocations for b in bodies)
    return CertificateTrust(trust.entries, trust.as_of, revocation=lists)


P256_ORDER = int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)


def signature_of(code: str) -> bytes:
    return cbor2.loads(zlib.decompress(base45.b45decode(code[4:]))).value[3]


def with_signature(code: str, signature: bytes) -> str:
    parts = list(cbor2.loads(zlib.decompress(base45.b45decode(code[4:]))).value)
    parts[3] = signature
    return "HC1:" + base45.b45encode(zlib.compress(cbor2.dumps(cbor2.CBORTag(18, parts)))).decode()


@pytest.mark.parametrize("hash_type", ["UCI", "COUNTRYCODEUCI", "SIGNATURE"])
@pytest.mark.parametrize("signer_name", ["es256", "ps256"])
def test_a_dcc_listed_under_each_hash_type_is_revoked(request, trust, hash_type, signer_name):
    signer = request.getfixturevalue(signer_name)
    code = signer.code({1: vaccination(ci=UCI)})
    signature = signature_of(code)
    listed = {"UCI": UCI.encode(), "COUNTRYCODEUCI": ("VN" + UCI).encode(),
              "SIGNATURE": signature[:32] if signer_name == "es256" else signature}[hash_type]
    revoked = with_lists(trust, batch(signer.entry.kid, hash_type, truncated_sha256(listed)))
    assert isinstance(read_certificate(code, trust, NOW), CertificateVerified)
    assert rejected(code, revoked) is CertReason.REVOKED
    other = signer.code({1: vaccination(ci="URN:UVCI:01:VN:KEPT#1")})
    if hash_type != "SIGNATURE":  # another certificate of the same signer stands
        assert isinstance(read_certificate(other, revoked, NOW), CertificateVerified)


def test_the_ecdsa_twin_signature_is_revoked_with_its_original(es256, trust):
    code = es256.code({1: vaccination(ci=UCI)})
    signature = signature_of(code)
    s = int.from_bytes(signature[32:], "big")
    twin = with_signature(code, signature[:32] + (P256_ORDER - s).to_bytes(32, "big"))
    assert isinstance(read_certificate(twin, trust, NOW), CertificateVerified)  # malleable
    revoked = with_lists(trust, batch(es256.entry.kid, "SIGNATURE",
                                      truncated_sha256(signature[:32])))
    assert rejected(twin, revoked) is CertReason.REVOKED


def test_a_list_for_another_signer_or_past_its_expiry_revokes_nothing(es256, ps256, trust):
    code = es256.code({1: vaccination(ci=UCI)})
    digest = truncated_sha256(UCI.encode())
    for body in (batch(ps256.entry.kid, "UCI", digest),
                 batch(es256.entry.kid, "UCI", digest, expires=NOW - timedelta(days=1))):
        assert isinstance(read_certificate(code, with_lists(trust, body), NOW),
                          CertificateVerified)
    assert rejected(code, with_lists(trust, batch("UNKNOWN_KID", "UCI", digest))) \
        is CertReason.REVOKED


def test_revoked_even_once_expired_as_the_eu_verifiers_rank_it(es256, trust):
    code = es256.code({1: vaccination(ci=UCI)}, expires=NOW - timedelta(days=1))
    revoked = with_lists(trust, batch(es256.entry.kid, "UCI", truncated_sha256(UCI.encode()),
                                      expires=NOW + timedelta(days=1)))
    assert rejected(code, revoked) is CertReason.REVOKED


def crl(kid: str, *rids: str, ctr: int | str = 2) -> dict:
    return {"kid": kid, "method": "rid", "ctr": ctr, "rids": list(rids)}


def test_a_smart_card_with_a_listed_rid_is_revoked_by_its_issue_time(shc_key, shc_entry, trust):
    nbf = int((NOW - timedelta(days=1)).timestamp())
    card = sign_shc(shc_claims(nbf=nbf, vc={**shc_claims()["vc"], "rid": "MTIzNDU2Nzg5"}),
                    shc_key)
    plain = sign_shc(shc_claims(nbf=nbf), shc_key)
    kid = shc_entry.kid
    assert isinstance(read_certificate(card, trust, NOW), CertificateVerified)
    assert rejected(card, with_lists(trust, crl(kid, "MTIzNDU2Nzg5"))) is CertReason.REVOKED
    assert rejected(card, with_lists(trust, crl(kid, f"MTIzNDU2Nzg5.{nbf + 1}", ctr="3"))) \
        is CertReason.REVOKED  # issued before the revocation time
    for later in (crl(kid, f"MTIzNDU2Nzg5.{nbf}"), crl(kid, "b3RoZXI"),
                  crl("other", "MTIzNDU2Nzg5")):
        assert isinstance(read_certificate(card, with_lists(trust, later), NOW),
                          CertificateVerified)
    assert isinstance(read_certificate(plain, with_lists(trust, crl(kid, "MTIzNDU2Nzg5")), NOW),
                      CertificateVerified)


def test_lists_travel_in_a_trust_body_and_read_back_the_same(es256, shc_entry, trust):
    lists = merge_revocations(read_revocation_json(body, NOW - timedelta(hours=2)).revocations
                              for body in (batch(es256.entry.kid, "UCI",
                                                 truncated_sha256(UCI.encode())),
                                           crl(shc_entry.kid, "abc", "def.1600000000")))
    exported = json.loads(json.dumps({"revocation": export_revocations(lists)}))
    back = revocations_from_body(exported, None)
    assert back.skipped == []
    assert back.revocations.dcc == lists.dcc and back.revocations.shc == lists.shc
    assert back.revocations.fetched_at == {Framework.HCERT: NOW - timedelta(hours=2),
                                           Framework.SHC: NOW - timedelta(hours=2)}


def test_a_revocation_list_older_than_allowed_is_trust_stale(es256, trust):
    code = es256.code({1: vaccination()})
    old = read_revocation_json(batch(es256.entry.kid, "UCI", b"x" * 16),
                               NOW - timedelta(days=30)).revocations
    held = CertificateTrust(trust.entries, NOW, revocation=old)
    assert rejected(code, held, max_trust_age=timedelta(days=14)) is CertReason.TRUST_STALE


def test_malformed_entries_are_skipped_and_named(es256):
    body = batch(es256.entry.kid, "UCI", truncated_sha256(UCI.encode()))
    body["entries"] += [{"hash": "not base64!"}, {"hash": "AAAA"}, "x"]
    found = read_revocation_json([body, {"hashType": "MD5", "kid": "k", "entries": []}], NOW)
    assert len(found.revocations.dcc[es256.entry.kid]) == 1
    assert any("3 entries" in item for item in found.skipped)
    assert any("batch 2" in item for item in found.skipped)


def test_a_legacy_card_without_a_rid_is_revoked_through_its_bundle_hash(shc_key, shc_entry,
                                                                        trust):
    import hashlib

    import rfc8785

    claims = shc_claims()
    card = sign_shc(claims, shc_key)
    bundle = claims["vc"]["credentialSubject"]["fhirBundle"]
    encoded = base64.urlsafe_b64encode(rfc8785.dumps(bundle)).rstrip(b"=")
    rid = base64.urlsafe_b64encode(hashlib.sha256(encoded).digest()[:8]).rstrip(b"=").decode()
    legacy = {**crl(shc_entry.kid, rid), "method": "hash-fhir"}
    assert rejected(card, with_lists(trust, legacy)) is CertReason.REVOKED
    other = sign_shc(shc_claims(nbf=claims["nbf"] - 60, vc={**claims["vc"], "credentialSubject": {
        **claims["vc"]["credentialSubject"], "fhirVersion": "4.0.1",
        "fhirBundle": {**bundle, "type": "collection", "id": "another"}}}), shc_key)
    assert isinstance(read_certificate(other, with_lists(trust, legacy), NOW),
                      CertificateVerified)
    assert isinstance(read_certificate(card, with_lists(trust, crl(shc_entry.kid, rid)), NOW),
                      CertificateVerified)  # a 'rid' list never hashes bundles
