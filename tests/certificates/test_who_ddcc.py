"""WHO DDCC codes share the HC1 container; the data set sits under hcert subclaim 3 or 4."""

from __future__ import annotations

from typing import Any

from screening.certificates import (
    CertFormat,
    CertificateRejected,
    CertificateVerified,
    CertReason,
    CertType,
    read_certificate,
)
from tests.certificates.vectors import NOW


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
