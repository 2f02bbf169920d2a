"""The default policy: the provincial directives in ../shared/seeds written as ordered rules.

- 002: hot-zone origin (then Bắc Ninh and Bắc Giang, now one province, code 24) → 21-day
  centralized quarantine; other out-of-province → home quarantine under the ward's watch.
- 001: F1 → quarantine decision (centralized here), F2 → home quarantine.
- 003: foreign epidemic areas (then China, South Korea, Japan) → centralized quarantine.
- Fever or symptoms → medical check first; the other reasons still show.
- A foreign certificate: Vietnam's entry rules (screening/entry_rules, EU business rules in
  CertLogic) ask for a complete vaccination at least 14 days old, a negative test under 72
  hours or a valid recovery; one that meets them is screened as any arrival from abroad, one
  that fails any → centralized quarantine, the failed rules named; a test not negative →
  medical check. Certificates that fail their checks are rejected before the rules.
"""

from __future__ import annotations

from typing import Any

from screening.entry_rules import vietnam_rules
from screening.policy import Policy, parse_policy

HOME_PROVINCE = "11"  # Điện Biên, whose directive 002 is the model


def _var(name: str) -> dict[str, Any]:
    return {"var": name}


DEFAULT_BODY: dict[str, Any] = {
    "province": HOME_PROVINCE,
    "name": "Mặc định theo chỉ thị tỉnh / Default from the provincial directives",
    "fever_threshold_c": 37.5,
    "max_reading_age_s": 30.0,
    "max_validity_hours": 72.0,
    "clock_skew_s": 300.0,
    "quarantine_days": {"central": 21, "home": 14},
    "zones": {"provinces": {"24": "hot"}, "wards": {},
              "countries": {"CN": "hot", "KR": "hot", "JP": "hot"}},
    "rules": [
        {"id": "confirmed_case", "when": {"==": [_var("contact"), "F0"]},
         "outcome": "medical_check", "reasons": ["contact_f0"], "quarantine": "central",
         "notify_ward": True},
        {"id": "fever", "when": _var("fever"), "outcome": "medical_check", "reasons": ["fever"]},
        {"id": "symptoms", "when": _var("has_symptoms"), "outcome": "medical_check",
         "reasons": ["symptoms"]},
        {"id": "hot_zone", "when": {"and": [_var("origin.domestic"),
                                            {"==": [_var("origin.zone"), "hot"]}]},
         "outcome": "central_quarantine", "reasons": ["hot_zone_origin"],
         "quarantine": "central", "notify_ward": True},
        {"id": "foreign_hot_zone", "when": {"and": [{"!": _var("origin.domestic")},
                                                    {"==": [_var("origin.zone"), "hot"]}]},
         "outcome": "central_quarantine", "reasons": ["foreign_hot_zone_origin"],
         "quarantine": "central", "notify_ward": True},
        {"id": "certificate_test_not_negative",
         "when": {"and": [{"==": [_var("certificate_type"), "test"]},
                          {"!": _var("test_negative")}]},
         "outcome": "medical_check", "reasons": ["certificate_test_not_negative"],
         "quarantine": "central", "notify_ward": True},
        {"id": "certificate_entry_rules", "when": {"!!": _var("certificate_rules_failed")},
         "outcome": "central_quarantine", "reasons": ["certificate_rules_failed"],
         "quarantine": "central", "notify_ward": True},
        {"id": "f1", "when": {"==": [_var("contact"), "F1"]}, "outcome": "central_quarantine",
         "reasons": ["contact_f1"], "quarantine": "central", "notify_ward": True},
        {"id": "abroad", "when": {"!": _var("origin.domestic")}, "outcome": "home_quarantine",
         "reasons": ["foreign_origin"], "quarantine": "home", "notify_ward": True},
        {"id": "out_of_province", "when": {"and": [_var("origin.domestic"),
                                                   {"!": _var("origin.in_province")}]},
         "outcome": "home_quarantine", "reasons": ["out_of_province_origin"],
         "quarantine": "home", "notify_ward": True},
        {"id": "f2", "when": {"==": [_var("contact"), "F2"]}, "outcome": "home_quarantine",
         "reasons": ["contact_f2"], "quarantine": "home", "notify_ward": True},
    ],
    "arrival_country": "VN",
    "certificate_rules": vietnam_rules(),
}


def default_policy() -> Policy:
    """The default policy, unsigned, version 0 (a kiosk's fallback before the center publishes)."""
    return parse_policy(DEFAULT_BODY, version=0)
