"""The screening policy: zones, thresholds, quarantine durations, ordered JsonLogic rules and the
certificate entry rules (EU business rules in CertLogic)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from json_logic.builtins import BUILTINS
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from screening.certlogic.business_rule import BusinessRule, check_operators
from screening.places import COUNTRY_RE, province_name, ward_info
from screening.reasons import Reason
from screening.validity import DEFAULT_CLOCK_SKEW_S, DEFAULT_MAX_VALIDITY_HOURS, ValidityRules
from screening.verdict import Outcome

POLICY_KIND = "policy"
ZoneLevel = Literal["hot", "watch"]
# Operators json_logic.apply handles itself, besides its table of BUILTINS.
CONTROL_OPERATORS = {"if", "?:", "and", "or", "filter", "reduce", "map", "all", "some", "none"}
JSONLOGIC_OPERATORS = {*BUILTINS, *CONTROL_OPERATORS}


class Strict(BaseModel):
    """Base for policy models: unknown keys are refused, objects are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class QuarantineDays(Strict):
    """Quarantine durations in days (directive 002: 21 days centralized)."""

    central: int = Field(21, ge=1, le=60)
    home: int = Field(14, ge=1, le=60)


class Zones(Strict):
    """Epidemic zones by official province/ward code and ISO country code."""

    provinces: dict[str, ZoneLevel] = {}
    wards: dict[str, ZoneLevel] = {}
    countries: dict[str, ZoneLevel] = {}

    @field_validator("provinces")
    @classmethod
    def _known_provinces(cls, value: dict[str, str]) -> dict[str, str]:
        for code in value:
            if province_name(code) is None:
                raise ValueError(f"unknown province code {code!r}")
        return value

    @field_validator("wards")
    @classmethod
    def _known_wards(cls, value: dict[str, str]) -> dict[str, str]:
        for code in value:
            if ward_info(code) is None:
                raise ValueError(f"unknown ward code {code!r}")
        return value

    @field_validator("countries")
    @classmethod
    def _iso_countries(cls, value: dict[str, str]) -> dict[str, str]:
        for code in value:
            if not COUNTRY_RE.match(code):
                raise ValueError(f"country {code!r} is not an ISO 3166 alpha-2 code")
        return value


class Rule(Strict):
    """When `when` (JsonLogic over the facts) holds its reasons apply; the first match decides."""

    id: str
    when: Any
    outcome: Outcome
    reasons: list[Reason]
    quarantine: Literal["central", "home"] | None = None
    notify_ward: bool = False

    @field_validator("when")
    @classmethod
    def _known_operators(cls, value: Any) -> Any:
        check_operators(value, JSONLOGIC_OPERATORS, "JsonLogic")
        return value

    @field_validator("outcome")
    @classmethod
    def _policy_outcome(cls, value: Outcome) -> Outcome:
        if value in (Outcome.REJECTED, Outcome.INCOMPLETE):
            raise ValueError("rules decide among clear/home/central/medical; rejection is by code")
        return value


class Policy(Strict):
    """A screening policy as published (signed) by the provincial center."""

    province: str = Field(description="official code of the province the checkpoints guard")
    name: str = ""
    fever_threshold_c: float = Field(37.5, ge=35.0, le=42.0)
    max_reading_age_s: float = Field(30.0, gt=0, description="older thermometer readings ignored")
    max_validity_hours: float = Field(
        DEFAULT_MAX_VALIDITY_HOURS, gt=0, le=720,
        description="declarations valid for longer than this (expiry minus issue) are rejected")
    clock_skew_s: float = Field(
        DEFAULT_CLOCK_SKEW_S, ge=0, le=3600,
        description="declarations issued up to this far ahead of the kiosk's clock are accepted")
    max_trust_age_days: float = Field(
        14.0, gt=0, le=365,
        description="foreign-certificate trust data older than this is stale: its codes are "
                    "refused as trust_stale and the kiosk status line warns")
    quarantine_days: QuarantineDays = QuarantineDays()
    zones: Zones = Zones()
    rules: list[Rule]
    arrival_country: str = Field(
        "VN", pattern=r"^[A-Z]{2}$",
        description="the country whose posts these are: its acceptance rules apply to certificates")
    certificate_rules: list[BusinessRule] = Field(
        [], description="entry rules for foreign certificates in the EU business-rule format "
                        "(engine CERTLOGIC); the newest version of each rule valid at the scan "
                        "applies, and a failed one lists its Identifier in "
                        "certificate_rules_failed")
    certificate_value_sets: dict[str, list[str]] = Field(
        {}, description="value sets the entry rules read as external.valueSets (id → codes)")
    version: int = 0  # filled from the signed envelope, not from the body

    @field_validator("province")
    @classmethod
    def _known_province(cls, value: str) -> str:
        if province_name(value) is None:
            raise ValueError(f"unknown province code {value!r}")
        return value

    def validity(self) -> ValidityRules:
        """The declaration validity cap and clock skew this policy sets."""
        return ValidityRules(timedelta(hours=self.max_validity_hours),
                             timedelta(seconds=self.clock_skew_s))


    def max_trust_age(self) -> timedelta:
        """How old foreign-certificate trust data may be before it is stale."""
        return timedelta(days=self.max_trust_age_days)


class PolicyError(ValueError):
    """A policy body that does not validate; the message names the bad key."""


def parse_policy(body: dict[str, Any], version: int = 0) -> Policy:
    """Validate a policy body; raises PolicyError naming the first bad key."""
    try:
        policy = Policy.model_validate({**body, "version": version})
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise PolicyError(f"policy key '{where}': {err['msg']}") from None
    return policy


def policy_body(policy: Policy) -> dict[str, Any]:
    """The JSON body that gets signed (everything but the version)."""
    return policy.model_dump(mode="json", exclude={"version"})
