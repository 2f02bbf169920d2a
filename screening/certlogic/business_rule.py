"""A business rule in the EU DCC format (the gateway's validation-rule schema), engine CERTLOGIC."""

from __future__ import annotations

import re
from collections.abc import Container
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from screening.certlogic.evaluator import OPERATIONS

SEMVER = r"^\d+\.\d+\.\d+$"
CERTLOGIC_OPERATORS = {"var", *OPERATIONS}
IDENTIFIER = r"^(GR|VR|TR|RR|IR)-[A-Z]{2}-\d{4}$"
CertificateKind = Literal["General", "Test", "Vaccination", "Recovery"]


def semver(text: str) -> tuple[int, int, int] | None:
    """`1.3.0` as (1, 3, 0); None when the text is no plain semantic version."""
    if not re.match(SEMVER, text, re.ASCII):
        return None
    major, minor, patch = (int(part) for part in text.split("."))
    return major, minor, patch


class RuleDescription(BaseModel):
    """The rule in one language; the kiosk shows it when the rule fails."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lang: str = Field(pattern=r"^[a-z]{2}$")
    desc: str = Field(min_length=20, max_length=400)


class BusinessRule(BaseModel):
    """One rule as the EU gateway distributes it; field names are the gateway's own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    Identifier: str = Field(pattern=IDENTIFIER)
    Type: Literal["Acceptance", "Invalidation"]
    Country: str = Field(pattern=r"^[A-Z]{2}$")
    Region: str | None = Field(None, pattern=r"^[A-Z0-9]{0,5}$")
    Version: str = Field(pattern=SEMVER)
    SchemaVersion: str = Field(pattern=SEMVER)
    Engine: str = Field(min_length=1, max_length=20)  # not CERTLOGIC: the rule stays open
    EngineVersion: str = Field(pattern=SEMVER)
    CertificateType: CertificateKind
    Description: list[RuleDescription] = Field(min_length=1)
    ValidFrom: datetime
    ValidTo: datetime
    AffectedFields: list[str] = Field(min_length=1)
    Logic: Any

    @field_validator("Description")
    @classmethod
    def _english_given(cls, value: list[RuleDescription]) -> list[RuleDescription]:
        if not any(item.lang == "en" for item in value):
            raise ValueError("a description in English (lang 'en') is required")
        return value

    @field_validator("ValidFrom", "ValidTo")
    @classmethod
    def _with_offset(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("needs a time-zone offset, e.g. 2022-05-11T00:00:00Z")
        return value

    @field_validator("Logic")
    @classmethod
    def _certlogic_operators(cls, value: Any) -> Any:
        check_operators(value, CERTLOGIC_OPERATORS, "CertLogic")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> BusinessRule:
        if (self.Type == "Invalidation") != self.Identifier.startswith("IR-"):
            raise ValueError("IR- identifiers and only they are Invalidation rules")
        if self.ValidTo < self.ValidFrom:
            raise ValueError("ValidTo is before ValidFrom")
        return self

    def description(self, lang: str) -> str:
        """The description in `lang`, else in English."""
        texts = {item.lang: item.desc for item in self.Description}
        return texts.get(lang) or texts["en"]

    def version(self) -> tuple[int, int, int]:
        """The rule's Version as numbers, for picking the newest."""
        return semver(self.Version) or (0, 0, 0)


def check_operators(logic: Any, known: Container[str], dialect: str) -> None:
    """Raise ValueError naming the first operator of `logic` not in `known` (JsonLogic or
    CertLogic), so an unknown one is refused when a rule comes in, not at a scan."""
    if isinstance(logic, list):
        for item in logic:
            check_operators(item, known, dialect)
    elif isinstance(logic, dict):
        if len(logic) != 1:
            raise ValueError(f"a {dialect} operation has exactly one operator key")
        (operator, operands), = logic.items()
        if operator not in known:
            raise ValueError(f"unknown {dialect} operator {operator!r}")
        check_operators(operands, known, dialect)
