"""Pure parts: topics, payload checks, config validation, backoff, clock watch."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway import topics
from gateway.alarms import Alarms, ClockWatch
from gateway.backoff import backoff_delay
from gateway.config import ConfigProblem, GatewayConfig, load_config
from gateway.wire import Malformed, acks_payload, check_event, parse_acks

KIOSK = topics.KioskTopic("01", "P01", "K1", "events")
EVENT = {"schema": 1, "event_id": "01JABCDEFGHJKMNPQRSTVWXYZ0", "seq": 1, "post": "P01",
         "kiosk": "K1", "at": "2026-11-22T05:00:00.000Z", "type": "scan"}


def test_topics_follow_the_contract() -> None:
    assert topics.kiosk_events("01", "P01", "K1") == "chot/v1/01/kiosk/P01/K1/events"
    assert topics.gateway_state("01", "P01") == "chot/v1/01/gateway/P01/state"
    assert topics.post_acks("01", "P01") == "chot/v1/01/acks/P01"
    assert topics.kiosk_acks("01", "P01", "K1") == "chot/v1/01/acks/P01/K1"
    assert topics.shared(topics.all_kiosk_events("01")) == \
        "$share/center/chot/v1/01/kiosk/+/+/events"
    assert topics.parse_kiosk_topic("chot/v1/01/kiosk/P01/K1/state") == \
        topics.KioskTopic("01", "P01", "K1", "state")
    assert topics.parse_kiosk_topic("chot/v1/01/kiosk/P01//events") is None
    assert topics.parse_gateway_state_topic("chot/v1/01/gateway/P01/state") == ("01", "P01")


def test_event_check_accepts_a_real_event_and_names_what_is_wrong() -> None:
    assert check_event(json.dumps(EVENT).encode(), KIOSK) == EVENT
    assert check_event(json.dumps({**EVENT, "kiosk": "K2"}).encode(), KIOSK) == \
        Malformed("topic_mismatch", "P01/K2")
    assert isinstance(check_event(b"\xff", KIOSK), Malformed)
    bad_id = check_event(json.dumps({**EVENT, "event_id": "x"}).encode(), KIOSK)
    assert isinstance(bad_id, Malformed) and bad_id.reason == "bad_event_id"


@settings(deadline=None)  # a busy CI machine must not turn slowness into a failure
@given(st.binary(max_size=300))
def test_no_payload_makes_the_checks_raise(payload: bytes) -> None:
    assert isinstance(check_event(payload, KIOSK), dict | Malformed)
    assert isinstance(parse_acks(payload), list | Malformed)


@settings(deadline=None)
@given(st.lists(st.from_regex(r"\A[0-9A-HJKMNP-TV-Z]{26}\Z"), max_size=20))
def test_acks_round_trip(ids: list[str]) -> None:
    assert parse_acks(acks_payload(ids)) == ids


def test_config_errors_name_the_key_in_both_languages(tmp_path: Path) -> None:
    path = tmp_path / "gw.toml"
    path.write_text('province = "01"\npost = "P01"\n[outbox]\npath = "x.db"\n'
                    '[post_broker]\nport = 1883\nprot = 1\n[center_broker]\nport = "high"\n')
    with pytest.raises(ConfigProblem) as err:
        load_config(path, GatewayConfig)
    message = str(err.value)
    assert "post_broker.prot" in message and "center_broker.port" in message
    assert "Cấu hình" in message and "config" in message
    path.write_text("province = [")
    with pytest.raises(ConfigProblem, match="config_not_toml"):
        load_config(path, GatewayConfig)


def test_backoff_grows_with_jitter_and_stays_under_the_cap() -> None:
    rand = random.Random(7)
    delays = [backoff_delay(n, 0.5, 30.0, rand) for n in range(1, 12) for _ in range(20)]
    assert all(0.5 <= d <= 30.0 for d in delays)
    assert len({round(d, 6) for d in delays}) > 100  # jittered, not lock-step
    assert max(backoff_delay(1, 0.5, 30.0, rand) for _ in range(50)) <= 0.5
    assert max(backoff_delay(10, 0.5, 30.0, rand) for _ in range(50)) > 10


def test_clock_watch_reports_jumps_and_sticky_alarm_stays_visible() -> None:
    watch = ClockWatch(5.0, wall=1000.0, mono=10.0)
    assert watch.check(wall=1001.0, mono=11.0) is None
    assert watch.check(wall=1602.0, mono=12.0) == pytest.approx(600.0)
    assert watch.check(wall=1603.0, mono=13.0) is None
    alarms = Alarms()
    alarms.raise_("clock_jump", "+600 s", sticky_s=60)
    assert not alarms.clear("clock_jump") and alarms.codes() == ["clock_jump"]
    alarms.raise_("disk_full")
    assert alarms.clear("disk_full") and alarms.codes() == ["clock_jump"]
