"""Every format meets the same entry rules: WHO DDCC and SMART cards in the DCC's shape."""

from __future__ import annotations

from datetime import UTC, datetime

from screening.certificate_rules import certificate_rule_results, dcc_shape, rule_data
from screening.certificates import (
    CertFormat,
    CertificateFacts,
    CertificateVerified,
    CertType,
    Holder,
)
from screening.certlogic.rule_set import RuleOutcome
from screening.default_policy import default_policy

NOW = datetime(2022, 6, 1, 8, 0, tzinfo=UTC)


def verified(fmt: CertFormat, facts: CertificateFacts, payload=None) -> CertificateVerified:
    return CertificateVerified(format=fmt, holder=Holder("A, B", None), facts=facts, kid="kid",
                               signer="test signer", payload=payload)


def failed(cert: CertificateVerified) -> list[str]:
    return [r.rule.Identifier for r in certificate_rule_results(cert, default_policy(), NOW)
            if r.outcome is not RuleOutcome.PASSED]


def test_a_smart_card_without_a_series_size_counts_its_doses():
    card = verified(CertFormat.SHC, CertificateFacts(CertType.VACCINATION, "2021-01-29", doses=2))
    assert dcc_shape(card) == {"ver": "1.3.0", "v": [{"dn": 2, "dt": "2021-01-29"}]}
    assert failed(card) == []
    recent = verified(CertFormat.SHC, CertificateFacts(CertType.VACCINATION, "2022-05-30",
                                                       doses=2))
    assert failed(recent) == ["VR-VN-0002"]


def test_a_who_ddcc_test_maps_its_result_to_the_dcc_code():
    negative = CertificateFacts(CertType.TEST, "2022-05-31T10:00:00Z", test_result="negative",
                                issuer_country="PH")
    ddcc = verified(CertFormat.WHO_DDCC, negative)
    assert dcc_shape(ddcc)["t"] == [{"tr": "260415000", "sc": "2022-05-31T10:00:00Z",
                                     "co": "PH"}]
    assert failed(ddcc) == []
    positive = verified(CertFormat.WHO_DDCC, CertificateFacts(
        CertType.TEST, "2022-05-31T10:00:00Z", test_result="positive"))
    assert failed(positive) == ["TR-VN-0001"]


def test_a_ddcc_vaccination_missing_its_dose_count_cannot_pass():
    ddcc = verified(CertFormat.WHO_DDCC, CertificateFacts(CertType.VACCINATION, "2021-09-01"))
    assert failed(ddcc) == ["VR-VN-0001"]  # open: dn is missing, so it cannot be compared


def test_an_eu_dcc_is_judged_on_its_payload_as_signed():
    payload = {"ver": "1.3.0", "v": [{"dn": 1, "sd": 2, "dt": "2021-09-01"}]}
    # The facts say complete, the payload does not: the payload decides.
    dcc = verified(CertFormat.EU_DCC, CertificateFacts(CertType.VACCINATION, "2021-09-01",
                                                       doses=2, series=2), payload)
    assert rule_data(dcc, default_policy(), NOW)["payload"] is payload
    assert failed(dcc) == ["VR-VN-0001"]


def test_the_external_data_carries_the_clock_country_and_validity():
    facts = CertificateFacts(CertType.TEST, "2022-05-31T10:00:00Z", test_result="negative",
                             issuer_country="DE", issued_at=NOW, expires_at=NOW)
    external = rule_data(verified(CertFormat.EU_DCC, facts, {"ver": "1.3.0"}), default_policy(),
                         NOW)["external"]
    assert external == {"validationClock": "2022-06-01T08:00:00+00:00", "valueSets": {},
                        "countryCode": "VN", "exp": "2022-06-01T08:00:00+00:00",
                        "iat": "2022-06-01T08:00:00+00:00", "issuerCountryCode": "DE",
                        "kid": "kid"}


def test_no_certificate_no_rules():
    assert certificate_rule_results(None, default_policy(), NOW) == []
