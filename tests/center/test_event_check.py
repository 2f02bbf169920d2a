"""Whatever arrives on an events topic gets stored or quarantined with a reason, never a crash."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from center.alerts import AlertKind
from center.event_check import Accepted, FloodGuard, Intake, Quarantined, check_event

RECEIVED = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)


def first_scan(traffic: list[dict[str, Any]]) -> dict[str, Any]:
    return next(e for e in traffic if e["type"] == "scan")


def raw(event: dict[str, Any]) -> bytes:
    return json.dumps(event, ensure_ascii=False).encode()


def test_a_real_event_is_accepted_unchanged(traffic):
    for event in traffic[:40]:
        verdict = check_event(raw(event), event["post"], event["kiosk"],
                              RECEIVED + timedelta(days=1))
        assert isinstance(verdict, Accepted), verdict
        assert verdict.event == event and verdict.alerts == ()


def test_each_kind_of_bad_message_is_quarantined_with_its_reason(traffic):
    event = first_scan(traffic)
    post, kiosk = event["post"], event["kiosk"]
    cases = {
        "malformed_json": b'{"schema": 1, "event_id": ',
        "not_an_object": b"[1, 2, 3]",
        "unknown_schema": raw(event | {"schema": 2}),
        "invalid_event": raw(event | {"outcome": "maybe"}),
        "topic_mismatch": raw(event | {"kiosk": "other"}),
        "too_large": b" " * 70_000,
    }
    for reason, payload in cases.items():
        verdict = check_event(payload, post, kiosk, RECEIVED)
        assert isinstance(verdict, Quarantined) and verdict.reason == reason, (reason, verdict)
    unknown = check_event(raw(event | {"schema": 2}), post, kiosk, RECEIVED)
    assert isinstance(unknown, Quarantined) and unknown.event_id == event["event_id"]
    invalid = check_event(raw(event | {"seq": 0}), post, kiosk, RECEIVED)
    assert isinstance(invalid, Quarantined) and invalid.detail.startswith("seq")


def test_events_for_unknown_posts_are_quarantined_when_posts_are_configured(traffic):
    event = first_scan(traffic)
    known = frozenset({"somewhere-else"})
    verdict = check_event(raw(event), event["post"], event["kiosk"], RECEIVED, known)
    assert isinstance(verdict, Quarantined) and verdict.reason == "unknown_post"
    assert isinstance(check_event(raw(event), event["post"], event["kiosk"], RECEIVED,
                                  known | {event["post"]}), Accepted)


def test_a_kiosk_clock_ahead_is_stored_with_a_skew_alert(traffic):
    event = first_scan(traffic)
    at = datetime.fromisoformat(event["at"].replace("Z", "+00:00"))
    late_center = check_event(raw(event), event["post"], event["kiosk"], at + timedelta(hours=5))
    assert isinstance(late_center, Accepted) and late_center.alerts == ()
    ahead = check_event(raw(event), event["post"], event["kiosk"], at - timedelta(minutes=20))
    assert isinstance(ahead, Accepted)
    assert [a.kind for a in ahead.alerts] == [AlertKind.CLOCK_SKEW]
    assert "1200 s ahead" in ahead.alerts[0].detail


def test_a_flooding_kiosk_is_stored_and_alerted_by_default(traffic):
    event = first_scan(traffic)
    at = datetime.fromisoformat(event["at"].replace("Z", "+00:00"))
    intake = Intake(per_minute=3)
    verdicts = [intake.check(raw(event | {"event_id": f"01JD{n:022d}", "seq": n + 1}),
                             event["post"], event["kiosk"], at) for n in range(5)]
    accepted = [v for v in verdicts if isinstance(v, Accepted)]
    assert len(accepted) == 5
    assert [[a.kind for a in v.alerts] for v in accepted] == [[]] * 3 + [[AlertKind.FLOOD]] * 2


def test_a_flooding_kiosk_is_capped_per_minute_of_event_time_not_arrival(traffic):
    event = first_scan(traffic)
    at = datetime.fromisoformat(event["at"].replace("Z", "+00:00"))
    intake = Intake(per_minute=5, flood_quarantine=True)
    verdicts = []
    for n in range(8):
        flood = event | {"event_id": f"01JD{n:022d}", "seq": n + 1}
        verdicts.append(intake.check(raw(flood), event["post"], event["kiosk"], at))
    assert [isinstance(v, Accepted) for v in verdicts] == [True] * 5 + [False] * 3
    assert {v.reason for v in verdicts if isinstance(v, Quarantined)} == {"flood"}
    alert = verdicts[-1].alert(event["post"], event["kiosk"], at)  # type: ignore[union-attr]
    assert alert.kind is AlertKind.FLOOD
    # A redelivered event is not counted again, and the next minute starts afresh.
    again = event | {"event_id": f"01JD{0:022d}", "seq": 1}
    assert isinstance(intake.check(raw(again), event["post"], event["kiosk"], at), Accepted)
    later = event | {"event_id": f"01JE{0:022d}", "seq": 99,
                     "at": (at + timedelta(minutes=1)).isoformat(timespec="milliseconds")
                     .replace("+00:00", "Z")}
    assert isinstance(intake.check(raw(later), event["post"], event["kiosk"], at), Accepted)


def test_a_backlog_drained_in_one_second_is_no_flood():
    guard = FloodGuard(per_minute=30)
    start = datetime(2026, 11, 21, 1, 0, tzinfo=UTC)
    # Two hours of one kiosk's scans (one every 20 s) arrive in a burst after an uplink cut.
    assert all(guard.admit("p", "k", f"id{n}", start + timedelta(seconds=20 * n))
               for n in range(360))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_no_bytes_make_the_check_raise(payload):
    verdict = check_event(payload, "p", "k", RECEIVED)
    assert isinstance(verdict, Quarantined)


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=10), inner, max_size=6), max_leaves=30))
def test_no_json_value_makes_the_check_raise(value):
    verdict = check_event(json.dumps(value).encode(), "p", "k", RECEIVED)
    assert isinstance(verdict, Quarantined)


@pytest.mark.parametrize("at", ["2026-11-21T23:59:60Z", "9999-12-31T23:59:59Z",
                                "1970-01-01T00:00:07Z", "2026-11-23T03:00:00Z"])
def test_an_unusable_or_absurd_event_time_is_quarantined_as_a_clock_fault(traffic, at):
    event = first_scan(traffic)
    verdict = check_event(raw(event | {"at": at}), event["post"], event["kiosk"], RECEIVED)
    assert isinstance(verdict, Quarantined) and verdict.reason == "bad_time", verdict
    assert verdict.alert(event["post"], event["kiosk"], RECEIVED).kind is AlertKind.CLOCK_SKEW


@settings(max_examples=300, deadline=None)
@given(st.datetimes(timezones=st.just(UTC)).map(
           lambda d: d.isoformat().replace("+00:00", "Z"))
       | st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                       r"(\.[0-9]{1,9})?Z\Z"))
def test_no_event_time_makes_the_check_raise(at):
    event = {"schema": 1, "event_id": "01JD0000000000000000000000", "seq": 1, "post": "p",
             "kiosk": "k", "at": at, "type": "staff_action",
             "scan_event_id": "01JD0000000000000000000001", "action": "confirm",
             "outcome": None, "reason": "", "staff": ""}
    verdict = Intake().check(raw(event), "p", "k", RECEIVED)
    assert isinstance(verdict, Accepted | Quarantined)
