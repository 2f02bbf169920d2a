"""Rules are chosen and combined as the EU's verifiers do, and the envelope is checked on entry."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from screening.certlogic.business_rule import BusinessRule
from screening.certlogic.rule_set import RuleOutcome, check_rule, check_rules, select_rules

CLOCK = datetime(2022, 6, 1, 8, 0, tzinfo=UTC)


def rule(**fields: Any) -> BusinessRule:
    body = {"Identifier": "VR-VN-0001", "Type": "Acceptance", "Country": "VN",
            "Version": "1.0.0", "SchemaVersion": "1.0.0", "Engine": "CERTLOGIC",
            "EngineVersion": "1.0.0", "CertificateType": "Vaccination",
            "Description": [{"lang": "en", "desc": "A rule written for the tests only."}],
            "ValidFrom": "2021-07-01T00:00:00Z", "ValidTo": "2030-01-01T00:00:00Z",
            "AffectedFields": ["v.0.dn"], "Logic": True}
    return BusinessRule.model_validate({**body, **fields})


def selected(rules, certificate_type="Vaccination", issuer="DE", clock=CLOCK):
    return [(r.Identifier, r.Version) for r in select_rules(
        rules, certificate_type=certificate_type, arrival_country="VN", issuer_country=issuer,
        clock=clock)]


def test_acceptance_rules_of_the_arrival_country_for_the_type_or_general():
    rules = [rule(), rule(Identifier="GR-VN-0001", CertificateType="General"),
             rule(Identifier="TR-VN-0001", CertificateType="Test"),
             rule(Identifier="VR-DE-0001", Country="DE")]
    assert selected(rules) == [("GR-VN-0001", "1.0.0"), ("VR-VN-0001", "1.0.0")]
    assert selected(rules, "Test") == [("GR-VN-0001", "1.0.0"), ("TR-VN-0001", "1.0.0")]


def test_invalidation_rules_of_the_issuing_country():
    rules = [rule(Identifier="IR-DE-0001", Type="Invalidation", Country="DE"),
             rule(Identifier="IR-FR-0001", Type="Invalidation", Country="FR")]
    assert selected(rules, issuer="DE") == [("IR-DE-0001", "1.0.0")]
    assert selected(rules, issuer=None) == []


def test_only_rules_valid_at_the_clock_and_valid_to_is_exclusive():
    rules = [rule(ValidFrom="2022-06-01T08:00:00Z"),
             rule(Identifier="VR-VN-0002", ValidTo="2022-06-01T08:00:00Z"),
             rule(Identifier="VR-VN-0003", ValidFrom="2022-06-01T10:00:00+02:00"),  # 08:00Z
             rule(Identifier="VR-VN-0004", ValidFrom="2022-06-02T00:00:00Z")]
    assert selected(rules) == [("VR-VN-0001", "1.0.0"), ("VR-VN-0003", "1.0.0")]


def test_the_newest_version_of_each_identifier_wins_by_semantic_version():
    rules = [rule(Version="1.2.0"), rule(Version="1.10.0"), rule(Version="1.9.9"),
             rule(Version="2.0.0", ValidFrom="2023-01-01T00:00:00Z")]  # not valid yet
    assert selected(rules) == [("VR-VN-0001", "1.10.0")]


def test_a_rule_for_a_region_is_not_applied_by_a_post_with_none():
    assert selected([rule(Region="HN")]) == []


DATA = {"payload": {"ver": "1.3.0", "v": [{"dn": 2, "sd": 2}]},
        "external": {"validationClock": "2022-06-01T08:00:00Z"}}


@pytest.mark.parametrize(("fields", "outcome"), [
    ({"Logic": {">=": [{"var": "payload.v.0.dn"}, {"var": "payload.v.0.sd"}]}},
     RuleOutcome.PASSED),
    ({"Logic": {"<": [{"var": "payload.v.0.dn"}, 1]}}, RuleOutcome.FAIL),
    ({"Logic": {"var": "payload.v.0"}}, RuleOutcome.PASSED),  # truthy counts as passed
    ({"Logic": {"var": "payload.missing"}}, RuleOutcome.FAIL),  # falsy as failed
    ({"Logic": {"<": [{"var": "payload.v.0.xx"}, 1]}}, RuleOutcome.OPEN),  # type error
    ({"Logic": {"plusTime": ["2022-01-01", 0, "day"]}}, RuleOutcome.OPEN),  # neither
    ({"Engine": "OTHER"}, RuleOutcome.OPEN),
    ({"EngineVersion": "2.0.0"}, RuleOutcome.OPEN),
    ({"EngineVersion": "1.9.0"}, RuleOutcome.OPEN),  # newer than the evaluator
    ({"SchemaVersion": "1.3.1"}, RuleOutcome.OPEN),  # the certificate is older than the rule
    ({"SchemaVersion": "2.0.0"}, RuleOutcome.OPEN),
    ({"SchemaVersion": "1.0.0"}, RuleOutcome.PASSED),
])
def test_a_rule_passes_fails_or_stays_open(fields, outcome):
    assert check_rule(rule(**fields), DATA).outcome is outcome


def test_a_certificate_without_a_schema_version_leaves_every_rule_open():
    data = {**DATA, "payload": {"v": [{"dn": 2}]}}
    assert [r.outcome for r in check_rules([rule()], data)] == [RuleOutcome.OPEN]


@pytest.mark.parametrize(("fields", "words"), [
    ({"Identifier": "XR-VN-0001"}, "Identifier"), ({"Type": "Invalidation"}, "IR-"),
    ({"Identifier": "IR-VN-0001"}, "IR-"), ({"Country": "vn"}, "Country"),
    ({"Version": "1.0"}, "Version"), ({"CertificateType": "Other"}, "CertificateType"),
    ({"Description": [{"lang": "vi", "desc": "Chỉ có tiếng Việt ở đây thôi."}]}, "English"),
    ({"Description": [{"lang": "en", "desc": "Too short"}]}, "desc"),
    ({"ValidFrom": "2021-07-01T00:00:00"}, "offset"),
    ({"ValidTo": "2021-01-01T00:00:00Z"}, "ValidTo"), ({"AffectedFields": []}, "AffectedFields"),
    ({"Logic": {"or": [True, False]}}, "'or'"), ({"Logic": {"a": 1, "b": 2}}, "one operator"),
    ({"Extra": 1}, "Extra"),
])
def test_a_malformed_rule_is_refused_naming_what_is_wrong(fields, words):
    with pytest.raises(ValidationError) as refused:
        rule(**fields)
    assert words in str(refused.value)
