"""Which business rules apply to a certificate, and their verdict, as the EU's verifiers do it.

Acceptance rules of the arrival country and invalidation rules of the issuing country, of the
certificate's type or General, valid at the validation clock (ValidTo exclusive), the latest
Version per Identifier; each rule passes, fails or stays open; all must pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from screening.certlogic.business_rule import BusinessRule, semver
from screening.certlogic.evaluator import EvaluationError, evaluate
from screening.certlogic.values import boolsiness

ENGINE = "CERTLOGIC"
ENGINE_VERSION = (1, 3, 3)  # the specification this evaluator follows


class RuleOutcome(StrEnum):
    """A rule's result: passed, failed, or open (could not be evaluated)."""

    PASSED = "passed"
    FAIL = "fail"
    OPEN = "open"


@dataclass(frozen=True)
class RuleResult:
    """One rule's outcome for one certificate, and why when it is open."""

    rule: BusinessRule
    outcome: RuleOutcome
    detail: str = ""


def select_rules(rules: Iterable[BusinessRule], *, certificate_type: str, arrival_country: str,
                 issuer_country: str | None, clock: datetime,
                 region: str = "") -> list[BusinessRule]:
    """The rules that apply, newest version of each identifier, ordered by identifier."""
    newest: dict[str, BusinessRule] = {}
    for rule in rules:
        country = arrival_country if rule.Type == "Acceptance" else issuer_country
        if (rule.Country == country and rule.CertificateType in ("General", certificate_type)
                and rule.ValidFrom <= clock < rule.ValidTo and (rule.Region or "") == region):
            held = newest.get(rule.Identifier)
            if held is None or rule.version() > held.version():
                newest[rule.Identifier] = rule
    return [newest[identifier] for identifier in sorted(newest)]


def check_rule(rule: BusinessRule, data: dict[str, Any]) -> RuleResult:
    """Evaluate one rule on CertLogic's data object `{"payload", "external"}`."""
    engine = semver(rule.EngineVersion)
    if rule.Engine != ENGINE or engine is None or engine[0] != ENGINE_VERSION[0] \
            or engine > ENGINE_VERSION:
        return RuleResult(rule, RuleOutcome.OPEN,
                          f"engine {rule.Engine} {rule.EngineVersion} not supported")
    payload = data.get("payload")
    version = payload.get("ver") if isinstance(payload, dict) else None
    certificate, wanted = semver(version) if isinstance(version, str) else None, \
        semver(rule.SchemaVersion)
    if certificate is None or wanted is None or certificate[0] != wanted[0] \
            or certificate < wanted:
        return RuleResult(rule, RuleOutcome.OPEN,
                          f"certificate schema {version!r} not covered by {rule.SchemaVersion}")
    result = evaluate(rule.Logic, data)
    if isinstance(result, EvaluationError):
        return RuleResult(rule, RuleOutcome.OPEN, result.message)
    truth = boolsiness(result)
    if truth is None:
        return RuleResult(rule, RuleOutcome.OPEN, "the rule's value is neither true nor false")
    return RuleResult(rule, RuleOutcome.PASSED if truth else RuleOutcome.FAIL)


def check_rules(rules: Iterable[BusinessRule], data: dict[str, Any]) -> list[RuleResult]:
    """Each selected rule's result, in order; the certificate passes only if all passed."""
    return [check_rule(rule, data) for rule in rules]
