"""CertLogic's value rules: integers, truthy/falsy/neither, and JavaScript's strict equality."""

from __future__ import annotations

import math
from typing import Any

from screening.certlogic.dates import DateTime


def is_int(value: Any) -> bool:
    """An integer as JavaScript sees one: 2 and 2.0 are, True and 2.5 are not."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value) and value.is_integer()


def is_number(value: Any) -> bool:
    """A JSON number (JavaScript's `typeof value === "number"`)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def boolsiness(value: Any) -> bool | None:
    """True when truthy, False when falsy, None when neither (e.g. a date-time)."""
    if value is None or value is False:
        return False
    if value is True:
        return True
    if isinstance(value, str | list | dict):
        return len(value) > 0
    if is_number(value):
        return value != 0
    return None


def strict_equal(left: Any, right: Any) -> bool:
    """JavaScript's `===`: same type and value for scalars, the same object for the rest."""
    if left is None or right is None:
        return left is right
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if is_number(left) and is_number(right):
        return bool(left == right)
    if isinstance(left, str) and isinstance(right, str):
        return left == right
    return left is right  # arrays, objects and date-times compare by identity, as in JS


def to_json(value: Any) -> Any:
    """A result as JSON: date-times become ISO text in UTC with milliseconds, as JS prints them."""
    if isinstance(value, DateTime):
        return value.iso()
    if isinstance(value, list):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
