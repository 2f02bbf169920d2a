"""The policy's entry rules (EU business rules in CertLogic) checked on a verified certificate.

The rules read the certificate in the EU DCC's shape: an EU DCC as signed; a WHO DDCC or a
SMART Health Card mapped from its facts (`v`/`t`/`r` with the fields it carries, others absent).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from screening.certificates import CertificateVerified, CertType
from screening.certlogic.rule_set import RuleOutcome, RuleResult, check_rules, select_rules
from screening.policy import Policy

CERTIFICATE_TYPES = {CertType.VACCINATION: "Vaccination", CertType.TEST: "Test",
                     CertType.RECOVERY: "Recovery"}
# The DCC value set's SNOMED CT codes for what the other formats call negative and positive
TEST_RESULT_CODES = {"negative": "260415000", "positive": "260373001"}
MAPPED_SCHEMA = "1.3.0"  # the DCC schema the mapped shape follows


def rule_data(cert: CertificateVerified, policy: Policy, now: datetime) -> dict[str, Any]:
    """CertLogic's data object: `{"payload": DCC, "external": {...}}` at validation time `now`."""
    facts = cert.facts
    return {
        "payload": cert.payload if cert.payload is not None else dcc_shape(cert),
        "external": {
            "validationClock": now.isoformat(),
            "valueSets": policy.certificate_value_sets,
            "countryCode": policy.arrival_country,
            "exp": facts.expires_at.isoformat() if facts.expires_at else None,
            "iat": facts.issued_at.isoformat() if facts.issued_at else None,
            "issuerCountryCode": facts.issuer_country,
            "kid": cert.kid,
        },
    }


def dcc_shape(cert: CertificateVerified) -> dict[str, Any]:
    """A WHO DDCC's or SMART card's facts as a DCC payload, so one rule set judges them all."""
    facts = cert.facts
    entry: dict[str, Any] = {"co": facts.issuer_country, "is": facts.issuer}
    if facts.type is CertType.VACCINATION:
        entry.update(dn=facts.doses, sd=facts.series, dt=facts.date)
        key = "v"
    elif facts.type is CertType.TEST:
        result = facts.test_result
        entry.update(tr=TEST_RESULT_CODES.get(result or "", result), sc=facts.date)
        key = "t"
    else:
        entry.update(fr=facts.date, df=facts.valid_from, du=facts.valid_until)
        key = "r"
    return {"ver": MAPPED_SCHEMA, key: [{k: v for k, v in entry.items() if v is not None}]}


def certificate_rule_results(cert: object, policy: Policy, now: datetime) -> list[RuleResult]:
    """The results of the policy's rules that apply to `cert` at `now`; none without one."""
    if not isinstance(cert, CertificateVerified) or not policy.certificate_rules:
        return []
    rules = select_rules(policy.certificate_rules,
                         certificate_type=CERTIFICATE_TYPES[cert.facts.type],
                         arrival_country=policy.arrival_country,
                         issuer_country=cert.facts.issuer_country, clock=now)
    return check_rules(rules, rule_data(cert, policy, now))


def rule_facts(results: list[RuleResult]) -> dict[str, Any]:
    """What the policy's JsonLogic rules see of the entry rules (docs/policy.md)."""
    return {"certificate_rules_failed": [r.rule.Identifier for r in results
                                         if r.outcome is not RuleOutcome.PASSED]}
