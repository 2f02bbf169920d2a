"""A border post reads EU DCCs: good ones verify, and each kind of bad one says why."""

from __future__ import annotations

import zlib
from datetime import timedelta

import base45
import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from screening.certificates import (
    CertFormat,
    CertificateTrust,
    CertificateVerified,
    CertReason,
    CertType,
    read_certificate,
)
from screening.certificates.issue import cwt_claims, sign_hcert
from tests.certificates.vectors import (
    NOW,
    make_signer,
    negative_test,
    recovery,
    rejected,
    vaccination,
)


def hc1(raw: bytes) -> str:
    return "HC1:" + base45.b45encode(zlib.compress(raw)).decode()


@pytest.mark.parametrize("signer_name", ["es256", "ps256"])
def test_a_dcc_signed_by_a_known_dsc_verifies(signer_name, request, trust):
    signer = request.getfixturevalue(signer_name)
    result = read_certificate(signer.code({1: vaccination()}), trust, NOW)
    assert isinstance(result, CertificateVerified), result
    assert result.format is CertFormat.EU_DCC
    assert result.holder.name == "Nguyễn, Thị Ánh"
    assert result.holder.date_of_birth == "1990-04-02"
    facts = result.facts
    assert (facts.type, facts.doses, facts.series, facts.date) == (
        CertType.VACCINATION, 2, 2, "2021-09-01")
    assert facts.issuer_country == "VN"
    assert facts.expires_at == (NOW + timedelta(days=300)).replace(microsecond=0)
    assert result.kid == signer.entry.kid
    assert result.to_json()["certificate"]["type"] == "vaccination"


def test_test_and_recovery_certificates_give_their_facts(es256, trust):
    test = read_certificate(es256.code({1: negative_test()}), trust, NOW)
    assert isinstance(test, CertificateVerified)
    assert test.facts.type is CertType.TEST and test.facts.test_result == "negative"
    assert test.holder.name == "SMITH, JANE"  # only transliterated names were sent
    rec = read_certificate(es256.code({1: recovery()}), trust, NOW)
    assert isinstance(rec, CertificateVerified)
    assert (rec.facts.type, rec.facts.valid_until) == (CertType.RECOVERY, "2022-09-01")
    assert rec.holder.date_of_birth == "1970-XX-XX"  # tolerated partial date


def test_kid_in_the_unprotected_header_is_accepted(es256, trust):
    code = es256.code({1: vaccination()}, kid_protected=False)
    assert isinstance(read_certificate(code, trust, NOW), CertificateVerified)


@pytest.mark.parametrize("signer_name", ["es256", "ps256"])
def test_alg_in_the_unprotected_header_verifies_as_the_eu_reference_does(signer_name, request,
                                                                         trust):
    signer = request.getfixturevalue(signer_name)
    claims = cwt_claims({1: vaccination()}, "VN", NOW - timedelta(days=1),
                        NOW + timedelta(days=30))
    code = sign_hcert(claims, signer.key, signer.kid, alg_protected=False)
    assert isinstance(read_certificate(code, trust, NOW), CertificateVerified)
    forged = sign_hcert(claims, make_signer(ec.generate_private_key(ec.SECP256R1())).key,
                        signer.kid, alg_protected=False)
    assert read_certificate(forged, trust, NOW).reason is CertReason.BAD_SIGNATURE


def test_null_optional_fields_are_read_as_absent(es256, trust):
    payload = vaccination()
    payload["nam"]["gn"] = None  # optional: some issuers send null, as the EU guidance allows
    payload["nam"]["gnt"] = None
    result = read_certificate(es256.code({1: payload}), trust, NOW)
    assert isinstance(result, CertificateVerified), result
    assert result.holder.name == "Nguyễn"
    payload["v"][0]["dn"] = None  # a required field stays required
    assert read_certificate(es256.code({1: payload}), trust, NOW).reason \
        is CertReason.SCHEMA_INVALID


def test_one_tampered_byte_is_a_bad_signature(es256, trust):
    code = es256.code({1: vaccination()})
    raw = bytearray(zlib.decompress(base45.b45decode(code[4:])))
    at = raw.index(b"2021-09-01")
    raw[at + 9] = ord("2")  # 2021-09-02
    assert rejected(hc1(bytes(raw)), trust) is CertReason.BAD_SIGNATURE


def test_a_signature_from_another_key_under_a_known_kid_is_bad(es256, trust):
    other = make_signer(ec.generate_private_key(ec.SECP256R1()))
    code = other.code({1: vaccination()}, kid=es256.kid)
    assert rejected(code, trust) is CertReason.BAD_SIGNATURE


def test_an_unknown_kid_is_named_as_such(es256, trust):
    code = es256.code({1: vaccination()}, kid=b"\x01" * 8)
    assert rejected(code, trust) is CertReason.UNKNOWN_KEY


def test_expired_and_future_cwts_have_their_own_reasons(es256, trust):
    expired = es256.code({1: vaccination()}, issued=NOW - timedelta(days=200),
                         expires=NOW - timedelta(seconds=1))
    assert rejected(expired, trust) is CertReason.EXPIRED
    future = es256.code({1: vaccination()}, issued=NOW + timedelta(hours=1))
    assert rejected(future, trust) is CertReason.NOT_YET_VALID
    slightly_ahead = es256.code({1: vaccination()}, issued=NOW + timedelta(minutes=2))
    assert isinstance(read_certificate(slightly_ahead, trust, NOW), CertificateVerified)


def test_a_dsc_whose_key_usage_forbids_the_type_is_refused(ec_key):
    test_only = make_signer(ec_key, types=[CertType.TEST])
    trust = CertificateTrust((test_only.entry,), as_of=NOW)
    assert rejected(test_only.code({1: vaccination()}), trust) is CertReason.KEY_USAGE_MISMATCH
    assert isinstance(read_certificate(test_only.code({1: negative_test()}), trust, NOW),
                      CertificateVerified)


def test_a_dsc_with_every_dcc_usage_signs_every_type(ec_key):
    signer = make_signer(ec_key, types=list(CertType))
    trust = CertificateTrust((signer.entry,), as_of=NOW)
    for payload in (vaccination(), negative_test(), recovery()):
        assert isinstance(read_certificate(signer.code({1: payload}), trust, NOW),
                          CertificateVerified)


def test_the_dsc_must_have_been_valid_when_it_signed(ec_key):
    ended = make_signer(ec_key, not_before=NOW - timedelta(days=800),
                        not_after=NOW - timedelta(days=30))
    trust = CertificateTrust((ended.entry,), as_of=NOW)
    # signed while the DSC was valid: still good after the DSC ended, its end is shown
    good = read_certificate(ended.code({1: vaccination()}, issued=NOW - timedelta(days=60)),
                            trust, NOW)
    assert isinstance(good, CertificateVerified)
    assert good.signer_expires_at == ended.entry.not_after
    late = ended.code({1: vaccination()}, issued=NOW - timedelta(days=1))
    assert rejected(late, trust) is CertReason.SIGNER_EXPIRED
    early = make_signer(ec_key, not_before=NOW - timedelta(hours=1))
    trust_early = CertificateTrust((early.entry,), as_of=NOW)
    assert rejected(early.code({1: vaccination()}), trust_early) is CertReason.SIGNER_NOT_YET_VALID


def test_a_payload_breaking_the_schema_is_refused(es256, trust):
    no_dose = vaccination()
    del no_dose["v"][0]["dn"]
    assert rejected(es256.code({1: no_dose}), trust) is CertReason.SCHEMA_INVALID
    two_groups = {**vaccination(), "t": negative_test()["t"]}
    assert rejected(es256.code({1: two_groups}), trust) is CertReason.SCHEMA_INVALID
    assert rejected(es256.code({9: vaccination()}), trust) is CertReason.SCHEMA_INVALID


def test_a_stale_trust_list_is_named_not_blamed_on_the_traveller(es256, trust):
    code = es256.code({1: vaccination()})
    assert rejected(code, trust, max_trust_age=timedelta(minutes=30)) is CertReason.TRUST_STALE
    unknown = es256.code({1: vaccination()}, kid=b"\x02" * 8)
    assert rejected(unknown, trust, max_trust_age=timedelta(minutes=30)) is CertReason.TRUST_STALE
    fresh = read_certificate(code, trust, NOW, max_trust_age=timedelta(days=1))
    assert isinstance(fresh, CertificateVerified) and fresh.trust_age_s == 3600


def test_damaged_codes_say_which_layer_broke(es256, trust):
    assert rejected("HC1:not base45 at all!", trust) is CertReason.BAD_BASE45
    assert rejected("HC1:" + base45.b45encode(b"plain bytes").decode(),
                    trust) is CertReason.BAD_COMPRESSION
    assert rejected(hc1(b"\xff\xff"), trust) is CertReason.BAD_COSE
    assert rejected(hc1(cbor2.dumps([1, 2, 3])), trust) is CertReason.BAD_COSE
    bomb = "HC1:" + base45.b45encode(zlib.compress(b"\0" * 100_000)).decode()
    assert rejected(bomb, trust) is CertReason.TOO_LARGE
    assert rejected("HC1:" + "A" * 9000, trust) is CertReason.TOO_LARGE


def test_an_unsupported_algorithm_is_named(es256, trust):
    protected = cbor2.dumps({1: -8, 4: es256.kid})  # EdDSA: not a DCC algorithm
    message = cbor2.dumps(cbor2.CBORTag(18, [protected, {}, cbor2.dumps({}), b"x" * 64]))
    assert rejected(hc1(message), trust) is CertReason.UNSUPPORTED_ALGORITHM


def test_a_hostile_payload_behind_a_good_signature_costs_nothing(es256, trust):
    # issue 14 item 1: a decimal fraction with a huge exponent must not be evaluated
    import time

    claims = cwt_claims({1: vaccination()}, "VN", NOW - timedelta(days=1), NOW + timedelta(days=1))
    claims[99] = cbor2.CBORTag(4, [99_999_999, 1])
    code = sign_hcert(claims, es256.key, es256.kid)
    started = time.process_time()
    assert rejected(code, trust) is CertReason.BAD_COSE
    assert time.process_time() - started < 0.05


def test_other_prefixes_are_not_certificates(trust):
    assert rejected("KB1:whatever", trust) is CertReason.UNSUPPORTED_CODE
