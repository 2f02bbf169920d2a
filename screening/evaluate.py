"""The verdict: a pure function of the scan result, a temperature reading, the policy and time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from json_logic import jsonLogic

from screening.certificate_facts import certificate_facts
from screening.certificate_rules import certificate_rule_results, rule_facts
from screening.certlogic.rule_set import RuleOutcome, RuleResult
from screening.policy import Policy
from screening.reasons import Reason
from screening.scan import ScanResult, Travel, Verification
from screening.verdict import Outcome, ReasonNote, Verdict

FAILED_RULE_PREFIX = "entry_rule:"  # reason code of a failed entry rule: entry_rule:VR-VN-0001


@dataclass(frozen=True)
class TemperatureReading:
    """A body temperature from the thermometer node and when it was taken."""

    celsius: float
    taken_at: datetime


def evaluate(scan: ScanResult, temperature: TemperatureReading | None, policy: Policy,
             now: datetime) -> Verdict:
    """Apply the policy to a scan: rejected codes are rejected, otherwise the first rule decides."""
    if scan.verification is Verification.REJECTED:
        return Verdict(Outcome.REJECTED, (scan.rejection or Reason.UNSUPPORTED_CODE,),
                       policy_version=policy.version)
    window_problem = _outside_policy_window(scan, policy, now)
    if window_problem is not None:
        return Verdict(Outcome.REJECTED, (window_problem,), policy_version=policy.version)
    rule_results = certificate_rule_results(scan.certificate, policy, now)
    if scan.travel is None:
        return _awaiting_trip(rule_results, policy)
    facts = {**screening_facts(scan.travel, _fresh_celsius(temperature, policy, now), policy),
             **certificate_facts(scan.certificate, now), **rule_facts(rule_results)}
    matched = [rule for rule in policy.rules if _truthy(jsonLogic(rule.when, facts))]
    if not matched:
        return Verdict(Outcome.CLEAR, (Reason.NO_RISK,), policy_version=policy.version)
    reasons: tuple[Reason | str, ...] = tuple(
        dict.fromkeys(r for rule in matched for r in rule.reasons))
    reasons, notes = _with_failed_rules(reasons, rule_results)
    days = max((getattr(policy.quarantine_days, rule.quarantine) for rule in matched
                if rule.quarantine), default=0)
    notify = any(rule.notify_ward for rule in matched)
    ward = scan.travel.destination.ward if notify else None
    return Verdict(matched[0].outcome, reasons, days, ward, policy.version, notes)


def _awaiting_trip(results: list[RuleResult], policy: Policy) -> Verdict:
    # Staff see at once that a certificate fails the entry rules, before typing the trip.
    failed = (Reason.CERTIFICATE_RULES_FAILED,) if rule_facts(results)[
        "certificate_rules_failed"] else ()
    reasons, notes = _with_failed_rules((Reason.MANUAL_ENTRY_REQUIRED, *failed), results)
    return Verdict(Outcome.INCOMPLETE, reasons, policy_version=policy.version, notes=notes)


def _with_failed_rules(reasons: tuple[Reason | str, ...], results: list[RuleResult],
                       ) -> tuple[tuple[Reason | str, ...], tuple[ReasonNote, ...]]:
    # The failed entry rules follow the reason that names them, each in its own words.
    if Reason.CERTIFICATE_RULES_FAILED not in reasons:
        return reasons, ()
    notes = tuple(ReasonNote(f"{FAILED_RULE_PREFIX}{r.rule.Identifier}", r.rule.description("vi"),
                             r.rule.description("en"))
                  for r in results if r.outcome is not RuleOutcome.PASSED)
    at = reasons.index(Reason.CERTIFICATE_RULES_FAILED) + 1
    return reasons[:at] + tuple(n.code for n in notes) + reasons[at:], notes


def screening_facts(travel: Travel, celsius: float | None, policy: Policy) -> dict[str, Any]:
    """The facts the policy's JsonLogic rules see (documented in docs/policy.md)."""
    origin = travel.origin
    return {
        "origin": {
            "country": origin.country, "province": origin.province, "ward": origin.ward,
            "domestic": origin.domestic,
            "in_province": origin.domestic and origin.province == policy.province,
            "zone": _zone_level(travel, policy),
        },
        "destination": {"province": travel.destination.province,
                        "ward": travel.destination.ward},
        "contact": travel.contact,
        "symptoms": list(travel.symptoms),
        "has_symptoms": bool(travel.symptoms),
        "vaccine_doses": travel.vaccine_doses,
        "temperature_c": celsius,
        "fever": celsius is not None and celsius >= policy.fever_threshold_c,
        "entered_by_staff": travel.entered_by_staff,
    }


def _outside_policy_window(scan: ScanResult, policy: Policy, now: datetime) -> Reason | None:
    # The reader checked the window with the rules it was given; the policy in force decides.
    if scan.valid_from is None or scan.valid_until is None:
        return None
    problem = policy.validity().check(scan.valid_from, scan.valid_until, now)
    return problem[0] if problem else None


def _zone_level(travel: Travel, policy: Policy) -> str | None:
    origin, zones = travel.origin, policy.zones
    if not origin.domestic:
        return zones.countries.get(origin.country)
    if origin.ward and origin.ward in zones.wards:
        return zones.wards[origin.ward]
    return zones.provinces.get(origin.province or "")


def _fresh_celsius(reading: TemperatureReading | None, policy: Policy,
                   now: datetime) -> float | None:
    # A reading older than the policy allows may belong to the previous traveller.
    if reading is None:
        return None
    age = (now - reading.taken_at).total_seconds()
    return reading.celsius if 0 <= age <= policy.max_reading_age_s else None


def _truthy(value: Any) -> bool:
    return value not in (False, None, 0, "", [], {})
