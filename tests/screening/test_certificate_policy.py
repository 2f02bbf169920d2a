"""A foreign certificate's facts drive the default policy's verdict, as data."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from screening.certificates import CertificateTrust
from screening.default_policy import DEFAULT_BODY, default_policy
from screening.evaluate import evaluate
from screening.places import Place
from screening.policy import parse_policy
from screening.reasons import Reason
from screening.scan import CodeKind, Travel, Verification, read_code, with_manual_entry
from screening.verdict import Outcome
from tests.certificates.vectors import NOW, make_signer, negative_test, recovery, vaccination


@pytest.fixture(scope="module")
def signer():
    return make_signer(ec.generate_private_key(ec.SECP256R1()))


def scan(code, signer, now=NOW):
    trust = CertificateTrust((signer.entry,), as_of=NOW - timedelta(hours=1))
    return read_code(code, {}, now, certificates=trust, max_trust_age=timedelta(days=14))


def arriving_from(result, country="DE"):
    return with_manual_entry(result, Travel(origin=Place(country=country),
                                            destination=Place(province="11", ward="03151")))


def test_a_verified_dcc_names_its_holder_and_waits_for_the_trip(signer):
    result = scan(signer.code({1: vaccination()}), signer)
    assert (result.kind, result.verification) == (CodeKind.CERTIFICATE, Verification.VALID)
    assert result.identity.name == "Nguyễn, Thị Ánh"
    assert result.identity.date_of_birth.isoformat() == "1990-04-02"
    verdict = evaluate(result, None, default_policy(), NOW)
    assert verdict.outcome is Outcome.INCOMPLETE


def test_complete_vaccination_is_screened_as_any_arrival_from_abroad(signer):
    verdict = evaluate(arriving_from(scan(signer.code({1: vaccination(2, 2)}), signer)),
                       None, default_policy(), NOW)
    assert verdict.outcome is Outcome.HOME_QUARANTINE
    assert verdict.reasons == (Reason.FOREIGN_ORIGIN,)


def test_incomplete_vaccination_means_centralized_quarantine_naming_the_failed_rule(signer):
    verdict = evaluate(arriving_from(scan(signer.code({1: vaccination(1, 2)}), signer)),
                       None, default_policy(), NOW)
    assert verdict.outcome is Outcome.CENTRAL_QUARANTINE
    assert verdict.reasons[:2] == (Reason.CERTIFICATE_RULES_FAILED, "entry_rule:VR-VN-0001")
    assert verdict.reason_text("entry_rule:VR-VN-0001", "vi").startswith("Phải tiêm đủ liệu trình")
    assert verdict.reason_text("entry_rule:VR-VN-0001", "en").startswith(
        "The vaccination series must be complete")
    messages = verdict.to_json()["messages"]
    assert messages[1]["code"] == "entry_rule:VR-VN-0001" and "14" not in messages[1]["en"]


def test_a_failed_rule_shows_already_while_the_trip_is_awaited(signer):
    verdict = evaluate(scan(signer.code({1: vaccination(1, 2)}), signer), None,
                       default_policy(), NOW)
    assert verdict.outcome is Outcome.INCOMPLETE
    assert verdict.reasons == (Reason.MANUAL_ENTRY_REQUIRED, Reason.CERTIFICATE_RULES_FAILED,
                               "entry_rule:VR-VN-0001")
    passing = evaluate(scan(signer.code({1: vaccination(2, 2)}), signer), None,
                       default_policy(), NOW)
    assert passing.reasons == (Reason.MANUAL_ENTRY_REQUIRED,)


def test_a_recent_dose_fails_only_the_14_day_rule(signer):
    payload = {**vaccination(2, 2), "v": [{**vaccination()["v"][0], "dt": "2022-05-25"}]}
    verdict = evaluate(arriving_from(scan(signer.code({1: payload}), signer)), None,
                       default_policy(), NOW)
    assert verdict.outcome is Outcome.CENTRAL_QUARANTINE
    assert [r for r in verdict.reasons if r.startswith("entry_rule:")] == [
        "entry_rule:VR-VN-0002"]


def test_a_positive_test_is_a_medical_check_and_fails_the_test_result_rule(signer):
    payload = negative_test()
    payload["t"][0]["tr"] = "260373001"
    verdict = evaluate(arriving_from(scan(signer.code({1: payload}), signer)), None,
                       default_policy(), NOW)
    assert verdict.outcome is Outcome.MEDICAL_CHECK
    assert verdict.reasons[:3] == (Reason.CERTIFICATE_TEST_NOT_NEGATIVE,
                                   Reason.CERTIFICATE_RULES_FAILED, "entry_rule:TR-VN-0001")


def test_a_valid_recovery_passes_and_an_ended_one_fails(signer):
    code = signer.code({1: recovery()})  # valid 2022-03-12 .. 2022-09-01
    assert evaluate(arriving_from(scan(code, signer)), None, default_policy(),
                    NOW).outcome is Outcome.HOME_QUARANTINE
    ended = recovery()
    ended["r"][0]["du"] = "2022-05-31"
    verdict = evaluate(arriving_from(scan(signer.code({1: ended}), signer)), None,
                       default_policy(), NOW)
    assert "entry_rule:RR-VN-0001" in verdict.reasons


def test_a_policy_without_entry_rules_judges_certificates_by_its_own_rules(signer):
    bare = parse_policy({**DEFAULT_BODY, "certificate_rules": []})
    verdict = evaluate(arriving_from(scan(signer.code({1: vaccination(1, 2)}), signer)),
                       None, bare, NOW)
    assert verdict.outcome is Outcome.HOME_QUARANTINE


def test_a_newer_rule_version_in_the_policy_replaces_the_shipped_one_once_valid(signer):
    body = json.loads(json.dumps(DEFAULT_BODY))
    code = signer.code({1: vaccination(1, 2)})

    def outcome(valid_from: str) -> Outcome:
        relaxed = {**body["certificate_rules"][0], "Version": "1.1.0", "Logic": True,
                   "ValidFrom": valid_from}
        policy = parse_policy({**body, "certificate_rules": [*body["certificate_rules"],
                                                             relaxed]})
        return evaluate(arriving_from(scan(code, signer)), None, policy, NOW).outcome

    assert outcome("2022-05-01T00:00:00Z") is Outcome.HOME_QUARANTINE
    assert outcome("2022-07-01T00:00:00Z") is Outcome.CENTRAL_QUARANTINE  # not valid yet


def test_a_negative_test_counts_for_72_hours(signer):
    code = signer.code({1: negative_test()})  # sample taken 2022-05-31T10:00Z
    fresh = evaluate(arriving_from(scan(code, signer)), None, default_policy(), NOW)
    assert fresh.outcome is Outcome.HOME_QUARANTINE
    later = NOW + timedelta(days=3)
    old = evaluate(arriving_from(scan(code, signer, later)), None, default_policy(), later)
    assert old.outcome is Outcome.CENTRAL_QUARANTINE


def test_a_tampered_certificate_is_rejected_with_its_own_reason(signer):
    code = signer.code({1: vaccination()})
    tampered = code[:40] + ("0" if code[40] != "0" else "1") + code[41:]
    result = scan(tampered, signer)
    verdict = evaluate(result, None, default_policy(), NOW)
    assert verdict.outcome is Outcome.REJECTED
    assert result.identity is None and result.certificate is not None


def test_stale_trust_refuses_rather_than_judges(signer):
    later = NOW + timedelta(days=20)
    result = scan(signer.code({1: vaccination()}, expires=later + timedelta(days=30)), signer,
                  later)
    assert result.rejection is Reason.TRUST_STALE
