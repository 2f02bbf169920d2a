"""Every scan becomes an event whose JSON matches the published schema."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from ulid import ULID

from screening import declaration
from screening.evaluate import TemperatureReading, evaluate
from screening.event import EventHeader, ScanEvent, StaffAction
from screening.scan import read_code
from screening.signed_code import issue
from screening.verdict import Outcome

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
SCHEMA = json.loads((Path(__file__).parents[2] / "docs/schemas/event.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def header(seq: int = 1) -> EventHeader:
    return EventHeader(str(ULID.from_datetime(NOW)), seq, "post-a", "kiosk-1", NOW)


@pytest.mark.parametrize("text", [
    "declaration", "001099012345|123456789|Nguyễn Thị Ánh Tuyết|01021999|Nữ|Hà Nội|15082021",
    "https://example.com/not-ours", "KB1:garbage"])
def test_scan_events_validate_against_the_schema(issuer, trusted, policy, text):
    if text == "declaration":
        text = issue(declaration.example(NOW), issuer)
    scan = read_code(text, trusted, NOW)
    reading = TemperatureReading(36.6, NOW - timedelta(seconds=1.5))
    event = ScanEvent(header(), scan, reading, evaluate(scan, reading, policy, NOW)).to_json()
    VALIDATOR.validate(event)
    assert event["at"] == "2026-11-22T08:00:00.000Z"
    assert event["temperature_age_s"] == 1.5
    if scan.identity:
        assert event["identity"]["name"] == scan.identity.name


def test_staff_override_needs_a_reason_and_validates():
    scan_id = str(ULID.from_datetime(NOW))
    with pytest.raises(ValueError):
        StaffAction(header(2), scan_id, "override", Outcome.CLEAR, reason=" ")
    action = StaffAction(header(2), scan_id, "override", Outcome.HOME_QUARANTINE,
                         reason="Giấy xét nghiệm âm tính", staff="cb01")
    VALIDATOR.validate(action.to_json())
    broken = action.to_json() | {"reason": ""}
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(broken)


def test_schema_refuses_what_a_broken_producer_would_send(issuer, trusted, policy):
    scan = read_code(issue(declaration.example(NOW), issuer), trusted, NOW)
    good = ScanEvent(header(), scan, None, evaluate(scan, None, policy, NOW)).to_json()
    for broken in (good | {"seq": 0}, good | {"event_id": "not-a-ulid"},
                   good | {"outcome": "maybe"}, {k: v for k, v in good.items() if k != "kiosk"},
                   good | {"extra": 1}, good | {"at": "2026-11-22T08:00:00+07:00"}):
        with pytest.raises(jsonschema.ValidationError):
            VALIDATOR.validate(broken)
