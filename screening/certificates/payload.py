"""Decoded CBOR payloads made JSON-shaped, so JSON schemas can judge them."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from screening.certificates.cbor_strict import Tagged
from screening.certificates.timestamps import numeric_date

DATE_TIME_TAG = 0  # RFC 8949 standard date/time string
EPOCH_TAG = 1  # RFC 8949 epoch-based date/time


class SchemaInvalid(ValueError):
    """A payload that does not have the shape its format requires."""


def to_json(value: Any) -> Any:
    """Plain JSON values from a decoded payload: date tags become text, bytes are refused."""
    if isinstance(value, Tagged):
        if value.tag == DATE_TIME_TAG and isinstance(value.value, str):
            return value.value
        if value.tag == EPOCH_TAG and (moment := numeric_date(value.value)) is not None:
            return moment.astimezone(UTC).isoformat()
        raise SchemaInvalid(f"tag {value.tag} does not hold a date")
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, bytes):
        raise SchemaInvalid("byte string in a JSON payload")
    return value


def text(value: Any) -> str | None:
    """The value when it is non-empty text, else None."""
    return value if isinstance(value, str) and value else None


def count(value: Any) -> int | None:
    """A positive whole number (issuers send 2 or 2.0), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if value != int(value) or not 0 < value < 100:
        return None
    return int(value)




def first_error(validator: Any, instance: Any) -> str | None:
    """Where a JSON schema first fails: keyword and path only, never the holder's data."""
    error = next(iter(validator.iter_errors(instance)), None)
    if error is None:
        return None
    keyword = error.schema_path[-1] if error.schema_path else "schema"
    return f"{keyword} fails at /{'/'.join(map(str, error.instance_path))}"
