"""EU-format test cases, `{"name", "payload", "external", "expected"}`, run on a rule.

`expected` is true (the rule passes), false (it fails) or null (it cannot be evaluated: open).
"""

from __future__ import annotations

from typing import Any

from screening.certlogic.evaluator import EvaluationError, evaluate
from screening.certlogic.values import boolsiness, to_json

CASE_KEYS = {"name", "payload", "external", "expected"}


class CaseError(ValueError):
    """A test case that is not of the EU test-case form; the message says what is wrong."""


def check_case(case: Any) -> dict[str, Any]:
    """The case itself when it has the form; raises CaseError naming the problem."""
    if not isinstance(case, dict):
        raise CaseError("a test case is a JSON object")
    if missing := sorted(CASE_KEYS - case.keys()):
        raise CaseError(f"test case without {', '.join(missing)}")
    if unknown := sorted(case.keys() - CASE_KEYS):
        raise CaseError(f"unknown test-case key {unknown[0]!r}")
    if not isinstance(case["name"], str) or not isinstance(case["external"], dict):
        raise CaseError("a test case's name is text and its external an object")
    if not (case["expected"] is None or isinstance(case["expected"], bool)):
        raise CaseError("expected is true, false or null")
    return case


def run_case(logic: Any, case: dict[str, Any]) -> dict[str, Any]:
    """One case's line: name, the rule's raw value (or its error), expected and passed."""
    result = evaluate(logic, {"payload": case["payload"], "external": case["external"]})
    line: dict[str, Any] = {"name": case["name"]}
    if isinstance(result, EvaluationError):
        line.update(result=None, error=result.message)
        truth = None
    else:
        line["result"] = to_json(result)
        truth = boolsiness(result)
    line.update(expected=case["expected"], passed=truth is case["expected"])
    return line
