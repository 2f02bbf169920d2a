"""The CertLogic evaluator never raises on any JSON: it answers a value or an EvaluationError."""

from __future__ import annotations

import json
import time
from importlib import resources

from hypothesis import given, settings
from hypothesis import strategies as st

from screening.certlogic import EvaluationError, evaluate, to_json
from screening.certlogic.business_rule import BusinessRule
from screening.certlogic.evaluator import OPERATIONS
from screening.certlogic.rule_cases import CaseError, check_case, run_case
from screening.certlogic.rule_set import RuleOutcome, check_rule

json_scalars = (st.none() | st.booleans() | st.integers(-(2**40), 2**40)
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12)
                | st.sampled_from(["2021-06-01", "2021-06-01T10:00:00+07:00", "2021", "day",
                                   "hour", "month", "year", "URN:UVCI:01:VN:X#1", ""]))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=20)
operators = st.sampled_from(sorted(OPERATIONS) + ["var", "or", "!!", "==", ""])
# Expressions that look like CertLogic, so the operations themselves are exercised.
expressions = st.recursive(
    json_scalars | st.builds(lambda p: {"var": p}, st.text(max_size=8) | st.just("a.0.b")),
    lambda inner: st.builds(lambda op, args: {op: args}, operators,
                            st.lists(inner, max_size=4) | inner)
    | st.lists(inner, max_size=3),
    max_leaves=25)
SETTINGS = settings(max_examples=200, deadline=None)


def check(expr, data) -> None:
    started = time.process_time()
    result = evaluate(expr, data)
    assert time.process_time() - started < 0.5
    if not isinstance(result, EvaluationError):
        json.dumps(to_json(result))  # every value is JSON once date-times are written out


@SETTINGS
@given(expressions, json_values)
def test_never_raises_on_certlogic_like_expressions(expr, data):
    check(expr, data)


@SETTINGS
@given(json_values, json_values)
def test_never_raises_on_any_json(expr, data):
    check(expr, data)


def test_deep_nesting_is_an_error_not_a_crash():
    expr: object = True
    for _ in range(5000):
        expr = {"!": [expr]}
    assert isinstance(evaluate(expr, None), EvaluationError)


RULE = BusinessRule.model_validate(json.loads(
    (resources.files("screening.entry_rules") / "TR-VN-0002.json").read_text("utf-8")))


@SETTINGS
@given(expressions, json_values, json_values)
def test_a_rule_on_any_data_passes_fails_or_stays_open(expr, payload, external):
    for logic in (expr, RULE.Logic):
        result = check_rule(RULE.model_copy(update={"Logic": logic}),
                            {"payload": payload, "external": external})
        assert result.outcome in set(RuleOutcome)


@SETTINGS
@given(json_values | st.fixed_dictionaries(
    {"name": json_values, "payload": json_values, "external": json_values,
     "expected": json_values}))
def test_any_json_is_a_case_or_a_clear_case_error(body):
    try:
        case = check_case(body)
    except CaseError as refused:
        assert str(refused)
        return
    line = run_case(RULE.Logic, case)
    assert isinstance(line["passed"], bool)
    json.dumps(line)
