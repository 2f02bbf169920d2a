"""WHO DDCC codes share the HC1 container; the data set sits under hcert subclaim 3 or 4."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from screening.certificates import (
    CertFormat,
    CertificateRejected,
    CertificateVerified,
    CertReason,
    CertType,
    Holder,
    read_certificate,
)
from screening.certificates.issue import sign_hcert
from screening.certificates.who_ddcc import WHO_STATUSES, who_status
from tests.certificates.vectors import NOW, make_signer


def ddcc_vs() -> dict[str, Any]:
    return {"name": "Trần Văn Bình", "birthDate": "1980-12-24",
            "certificate": {"hcid": {"value": "HCID-1"}, "version": "RC-2",
                            "issuer": {"identifier": {"value": "WHO"}},
                            "period": {"start": "2021-06-01", "end": "2023-06-01"}},
            "vaccination": {"vaccine": {"system": "http://id.who.int/icd11/mms",
                                        "code": "XM68M6"},
                            "brand": {"code": "EU/1/20/1528"}, "lot": "A1", "date": "2021-06-01",
                            "dose": 3, "totalDoses": 3, "country": {"code": "THA"}}}


def ddcc_tr() -> dict[str, Any]:
    return {"name": "Somchai Jaidee",
            "test": {"pathogen": {"code": "840539006"}, "type": {"code": "94558-4"},
                     "date": "2022-05-31T09:00:00Z", "result": {"code": "260415000"},
                     "country": {"code": "THA"}}}


def test_vaccination_status_under_subclaim_3_verifies(es256, trust):
    result = read_certificate(es256.code({3: ddcc_vs()}), trust, NOW)
    assert isinstance(result, CertificateVerified), result
    assert result.format is CertFormat.WHO_DDCC
    assert result.holder.name == "Trần Văn Bình"
    facts = result.facts
    assert (facts.type, facts.doses, facts.series) == (CertType.VACCINATION, 3, 3)
    assert facts.issuer_country == "VN"  # the CWT iss; the event country stays in the payload
    assert facts.valid_until == "2023-06-01"


def test_test_result_under_subclaim_4_verifies(ps256, trust):
    result = read_certificate(ps256.code({4: ddcc_tr()}), trust, NOW)
    assert isinstance(result, CertificateVerified), result
    assert result.facts.type is CertType.TEST and result.facts.test_result == "negative"


def test_the_earlier_rc2_layout_is_read_by_content(es256, trust):
    result = read_certificate(es256.code({2: ddcc_vs()}), trust, NOW)
    assert isinstance(result, CertificateVerified)
    assert result.facts.type is CertType.VACCINATION


def test_a_data_set_without_its_event_is_schema_invalid(es256, trust):
    broken = ddcc_vs()
    del broken["vaccination"]
    result = read_certificate(es256.code({3: broken}), trust, NOW)
    assert isinstance(result, CertificateRejected)
    assert result.reason is CertReason.SCHEMA_INVALID
    assert result.format is CertFormat.WHO_DDCC


def who_sample() -> dict[str, Any]:
    """WHO's own form (ddcc-validator samples): the core data set is the payload, flat."""
    return {"name": "Eddie Murphy", "birthDate": "1986-09-19", "sex": {"code": "male"},
            "identifier": "111000111", "hcid": "US111222333444555666",
            "valid_from": "2021-08-01", "valid_until": "2022-12-31",
            "vaccine": {"system": "http://id.who.int/icd11/mms", "code": "XM68M6"},
            "brand": {"code": "COVID-19-VACCINE-AstraZeneca"}, "lot": "PT123F",
            "date": "2021-07-08", "dose": 1, "total_doses": 2,
            "country": {"code": "USA"}, "centre": "Vaccination Site"}


@pytest.mark.parametrize("signer_name", ["es256", "ps256"])
def test_who_s_own_form_with_the_data_set_as_the_payload_verifies(signer_name, request, trust):
    signer = request.getfixturevalue(signer_name)
    result = read_certificate(sign_hcert(who_sample(), signer.key, signer.kid), trust, NOW)
    assert isinstance(result, CertificateVerified), result
    assert result.format is CertFormat.WHO_DDCC
    assert result.holder == Holder("Eddie Murphy", "1986-09-19")
    facts = result.facts
    assert (facts.type, facts.doses, facts.series, facts.date) == (
        CertType.VACCINATION, 1, 2, "2021-07-08")
    assert (facts.issuer_country, facts.valid_until) == ("USA", "2022-12-31")


def test_who_s_form_under_subclaim_1_and_its_test_results(es256, trust):
    sample = {"name": "Test Person", "test": {"date": "2022-05-31T09:00:00Z",
                                              "result": {"code": "260415000"}}}
    for code in (es256.code({1: sample}), sign_hcert(sample, es256.key, es256.kid)):
        result = read_certificate(code, trust, NOW)
        assert isinstance(result, CertificateVerified), result
        assert result.format is CertFormat.WHO_DDCC
        assert result.facts.test_result == "negative"


def test_who_statuses_map_to_our_reasons(es256, trust):
    assert WHO_STATUSES["VERIFIED"] is None
    assert WHO_STATUSES["INVALID_SIGNATURE"] is CertReason.BAD_SIGNATURE
    assert WHO_STATUSES["ISSUER_NOT_TRUSTED"] is CertReason.UNKNOWN_KEY
    assert set(WHO_STATUSES) >= {"INVALID_ENCODING", "INVALID_COMPRESSION",
                                 "INVALID_SIGNING_FORMAT", "NOT_SUPPORTED", "KID_NOT_INCLUDED",
                                 "TERMINATED_KEYS", "EXPIRED_KEYS", "REVOKED_KEYS"}
    forged = sign_hcert(who_sample(), make_signer(ec.generate_private_key(
        ec.SECP256R1())).key, es256.kid)
    result = read_certificate(forged, trust, NOW)
    assert who_status(result) == "INVALID_SIGNATURE"
    assert who_status(read_certificate(sign_hcert(who_sample(), es256.key, es256.kid), trust,
                                       NOW)) == "VERIFIED"
