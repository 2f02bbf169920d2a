"""Vietnam's entry rules pass their own test cases (EU test-case format) and load as a policy."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from screening.certlogic.business_rule import BusinessRule
from screening.certlogic.rule_cases import check_case, run_case
from screening.default_policy import default_policy
from screening.entry_rules import RULE_IDS, vietnam_rules

FOLDER = resources.files("screening.entry_rules")


def cases(rule_id: str) -> list[dict]:
    return json.loads((FOLDER / "cases" / f"{rule_id}.json").read_text("utf-8"))


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_each_rule_passes_all_its_cases(rule_id):
    rule = BusinessRule.model_validate(json.loads((FOLDER / f"{rule_id}.json").read_text("utf-8")))
    lines = [run_case(rule.Logic, check_case(case)) for case in cases(rule_id)]
    assert [line["name"] for line in lines if not line["passed"]] == []
    # Every rule is tested both ways, and where it does not apply.
    assert {line["expected"] for line in lines} >= {True, False}


def test_the_default_policy_carries_every_rule_in_vietnamese_and_english():
    rules = default_policy().certificate_rules
    assert [rule.Identifier for rule in rules] == list(RULE_IDS)
    for rule in rules:
        assert rule.Country == "VN" and rule.Type == "Acceptance"
        assert rule.description("vi") != rule.description("en")
    assert len(vietnam_rules()) == len(RULE_IDS)
