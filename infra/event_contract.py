"""The one event contract: docs/schemas/event.json, checked by the kiosk before it commits an
event and by the center before it stores one, so a kiosk never acknowledges what the center
would quarantine."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs

EVENT_SCHEMA_FILE = Path(__file__).resolve().parents[1] / "docs" / "schemas" / "event.json"


@cache
def event_schema() -> dict[str, Any]:
    """docs/schemas/event.json as parsed JSON."""
    return dict(json.loads(EVENT_SCHEMA_FILE.read_text("utf-8")))


@cache
def fast_event_validator() -> Any:
    """The schema compiled by jsonschema-rs: the check every event passes."""
    return jsonschema_rs.validator_for(event_schema(), validate_formats=True)


@cache
def event_validator() -> jsonschema.protocols.Validator:
    """The same schema in pure Python, whose errors name the bad key best (rejects only)."""
    return jsonschema.Draft202012Validator(event_schema(),
                                           format_checker=jsonschema.FormatChecker())


def schema_problem(data: dict[str, Any]) -> str | None:
    """Why `data` is not a valid event ('path: message'), or None when it is."""
    if fast_event_validator().is_valid(data):
        return None
    try:
        error = jsonschema.exceptions.best_match(event_validator().iter_errors(data))
    except RecursionError:
        return "(top): nested too deeply"
    if error is None:  # the two validators disagree on a format: trust the stricter one
        return "(top): not a valid event"
    where = "/".join(str(p) for p in error.absolute_path) or "(top)"
    return f"{where}: {error.message[:200]}"


def event_problem(data: dict[str, Any]) -> str | None:
    """Why an event a kiosk is about to commit would not be stored as it is, or None.

    The schema, and text every end can encode: a lone surrogate passes the schema but no UTF-8
    journal takes it, and the center would store it altered (U+FFFD)."""
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"(text): not Unicode text at {exc.start}"
    except ValueError as exc:  # NaN/infinity is not JSON
        return f"(top): {exc}"
    if fast_event_validator().is_valid(data):
        return None
    kind = data.get("type")
    if kind not in ("scan", "staff_action"):
        return schema_problem(data)
    # Judged against its own branch, the error names the field rather than the other branch.
    error = jsonschema.exceptions.best_match(_branch_validator(kind).iter_errors(data))
    if error is None:
        return schema_problem(data)
    where = "/".join(str(p) for p in error.absolute_path) or "(top)"
    if error.validator == "maxLength" and isinstance(error.instance, str):
        return f"{where}: {len(error.instance)} > {error.validator_value}"
    return f"{where}: {error.message[:80]}"


@cache
def _branch_validator(kind: str) -> jsonschema.protocols.Validator:
    schema = {**event_schema(), "oneOf": [{"$ref": f"#/$defs/{kind}"}]}
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
