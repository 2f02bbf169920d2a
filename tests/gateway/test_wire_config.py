"""Pure parts: topics, payload checks, config validation, backoff, clock watch."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.config import GatewayConfig
from infra import topics
from infra.alarms import Alarms, ClockWatch
from infra.backoff import Backoff, backoff_delay
from infra.batching import fill_batch
from infra.config import ConfigProblem, load_config
from infra.wire import (
    MAX_ACK_IDS,
    MAX_BATCH_BYTES,
    MAX_BATCH_EVENTS,
    Malformed,
    acks_payload,
    acks_payloads,
    check_event,
    events_payload,
    parse_acks,
    split_events,
)

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
@given(st.binary(max_size=300))
def test_no_payload_makes_batch_splitting_raise(payload: bytes) -> None:
    assert isinstance(split_events(payload), list | Malformed)


JSON_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
EVENTS = st.lists(st.fixed_dictionaries({"event_id": st.from_regex(r"\A[0-9A-HJKMNP-TV-Z]{26}\Z"),
                                         "seq": st.integers(1, 10**9), "name": JSON_TEXT}),
                  min_size=1, max_size=30)


@settings(deadline=None)
@given(EVENTS)
def test_a_batch_carries_its_events_unchanged(events: list[dict]) -> None:
    payloads = [json.dumps({**EVENT, **e}, ensure_ascii=False).encode() for e in events]
    message = events_payload(payloads)
    parts = split_events(message)
    assert not isinstance(parts, Malformed)
    assert [data for data, _raw in parts] == [json.loads(p) for p in payloads]
    assert [json.loads(raw) for _data, raw in parts] == [json.loads(p) for p in payloads]
    if len(payloads) == 1:
        assert message == payloads[0]  # a lone event is sent as itself, byte for byte
    else:
        assert json.loads(message)["type"] == "batch"


def test_malformed_batches_are_named_not_raised() -> None:
    empty = json.dumps({"schema": 1, "type": "batch", "events": []}).encode()
    assert split_events(empty) == Malformed(
        "bad_batch", f"events must be a list of 1..{MAX_BATCH_EVENTS}")
    not_list = json.dumps({"schema": 1, "type": "batch", "events": {"a": 1}}).encode()
    assert isinstance(split_events(not_list), Malformed)
    future = json.dumps({"schema": 9, "type": "batch", "events": [EVENT]}).encode()
    assert split_events(future) == Malformed("wrong_schema", "9")


def test_fill_batch_keeps_order_and_limits() -> None:
    class Item:
        def __init__(self, topic: str, size: int) -> None:
            self.topic, self.payload = topic, b"x" * size

    queue = [Item("a", 10) for _ in range(MAX_BATCH_EVENTS + 5)] + [Item("b", 10)]
    back: list[Item] = []

    def next_item() -> Item | None:
        return back.pop() if back else (queue.pop(0) if queue else None)

    same = lambda x, y: x.topic == y.topic  # noqa: E731
    first = fill_batch(next_item, back.append, same)
    assert len(first) == MAX_BATCH_EVENTS
    second = fill_batch(next_item, back.append, same)
    assert len(second) == 5 and all(i.topic == "a" for i in second)
    third = fill_batch(next_item, back.append, same)
    assert [i.topic for i in third] == ["b"]
    assert fill_batch(next_item, back.append, same) == []
    queue.extend(Item("a", MAX_BATCH_BYTES // 2) for _ in range(4))
    assert len(fill_batch(next_item, back.append, same)) == 2  # the third would pass the byte cap


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


def test_device_backoff_doubles_to_the_cap_and_starts_over_after_a_success() -> None:
    backoff = Backoff(0.2, 5.0, jitter=False)
    assert [backoff.next_delay() for _ in range(7)] == [0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0]
    backoff.reset()
    assert backoff.next_delay() == 0.2


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


def test_any_number_of_acks_goes_in_messages_the_receiver_accepts() -> None:
    ids = [f"01JABCDEFGHJKMNPQRS{n:07d}" for n in range(12_345)]
    messages = acks_payloads(ids)
    parsed = [parse_acks(m) for m in messages]
    assert all(isinstance(p, list) and len(p) <= MAX_ACK_IDS for p in parsed)
    assert [i for p in parsed for i in p] == ids  # type: ignore[union-attr]
    assert acks_payloads([]) == []


def test_a_batch_with_text_that_is_not_unicode_is_malformed_not_a_crash() -> None:
    lone_surrogate = (b'{"schema":1,"type":"batch","events":[{"schema":1,"name":"\\ud800"},'
                      b'{"schema":1}]}')
    assert split_events(lone_surrogate) == Malformed(
        "bad_text", "an event holds text that is not valid Unicode")


def test_a_sequence_number_no_database_can_hold_is_malformed() -> None:
    assert check_event(json.dumps({**EVENT, "seq": 2**63 - 1}).encode(), KIOSK) != \
        Malformed("bad_seq", repr(2**63 - 1))
    assert check_event(json.dumps({**EVENT, "seq": 2**63}).encode(), KIOSK) == \
        Malformed("bad_seq", repr(2**63)[:40])


def test_fill_batch_looks_past_other_kiosks_and_keeps_each_kiosks_order() -> None:
    class Item:
        def __init__(self, topic: str, n: int) -> None:
            self.topic, self.n, self.payload = topic, n, b"x" * 10

    queue = [Item(topic, n) for n in range(150) for topic in ("a", "b", "c")]
    back: list[Item] = []

    def next_item() -> Item | None:
        return back.pop() if back else (queue.pop(0) if queue else None)

    def push_back(item: Item) -> None:
        back.append(item)

    same = lambda x, y: x.topic == y.topic  # noqa: E731
    batches = []
    while batch := fill_batch(next_item, push_back, same):
        batches.append(batch)
    assert [(b[0].topic, len(b)) for b in batches] == [("a", 150), ("b", 150), ("c", 150)]
    assert all([i.n for i in b] == list(range(150)) for b in batches)
