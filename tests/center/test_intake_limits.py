"""Quarantine as a disk and memory bomb, unknown kiosks, and a post over its rate (issue 14,
item 6): what one hostile gateway login can make the center keep is bounded, and no other
post waits for it."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from ulid import ULID

from center.alerts import AlertKind
from center.config import CenterConfig
from center.event_check import Accepted, Intake, Quarantined, check_event
from center.ingest import CenterIngest, _Event
from center.registry import Registry
from center.roster import KioskRoster
from center.service import CenterService
from center.settings import CenterSections, load_center_config
from center.store import EXCERPT_BYTES, Store
from center.watch import CenterWatch
from infra import topics
from infra.config import ConfigProblem
from infra.polling import wait_until as wait_for
from tests.center.test_center_instances import Listener

PROV = "11"
RECEIVED = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)


def raw(event: dict[str, Any]) -> bytes:
    return json.dumps(event, ensure_ascii=False).encode()


def scans(traffic: list[dict[str, Any]], post: str, kiosk: str) -> list[dict[str, Any]]:
    return [e for e in traffic if e["post"] == post and e["kiosk"] == kiosk]


def test_quarantine_keeps_an_excerpt_and_hash_not_the_message(store_at: str):
    store = Store(store_at)
    junk = os.urandom(1024 * 1024)
    store.add_quarantined([(topics.kiosk_events(PROV, "p", "k"), "p", "k", None,
                            "malformed_json", "x" * 100_000, junk)] * 3)
    rows = store.quarantined()
    assert len(rows) == 3
    for row in rows:
        assert row["size"] == len(junk) and row["sha256"] == hashlib.sha256(junk).hexdigest()
        assert len(row["payload"].encode("utf-8", "surrogateescape")) <= 3 * EXCERPT_BYTES
        assert len(row["detail"]) <= 500
    kept = store.db.rows("SELECT sum(length(payload)) FROM quarantine")[0][0]
    assert kept == 3 * EXCERPT_BYTES
    store.close()


def test_a_60_kb_name_is_not_an_event_but_every_real_one_is(traffic):
    scan = next(e for e in traffic if e["type"] == "scan" and e.get("identity"))
    huge = {**scan, "identity": {**scan["identity"], "name": "A" * 60_000}}
    verdict = check_event(raw(huge), scan["post"], scan["kiosk"], RECEIVED)
    assert isinstance(verdict, Quarantined) and verdict.reason == "invalid_event"
    assert verdict.detail.startswith("identity/name")
    for event in traffic:
        assert isinstance(check_event(raw(event), event["post"], event["kiosk"],
                                      RECEIVED + timedelta(days=1)), Accepted)


def test_events_of_a_kiosk_not_registered_at_its_post_are_kept_aside_and_alerted_once(
        traffic):
    registry = Registry(province=PROV, post=[{"code": "tay-trang", "kiosks": ["k1"]}])
    sent: list[dict[str, Any]] = []
    watch = CenterWatch(PROV, CenterSections(), lambda t, p, r: sent.append(json.loads(p)),
                        roster=KioskRoster(registry), clock=lambda: RECEIVED)
    for event in scans(traffic, "tay-trang", "k2")[:5]:
        verdict = watch.check(raw(event), "tay-trang", "k2", RECEIVED)
        assert isinstance(verdict, Quarantined) and verdict.reason == "unknown_kiosk"
        assert not verdict.acknowledge  # resent by the gateway once the registry lists it
    stranger = scans(traffic, "huoi-puoc", "k1")[0]
    other = watch.check(raw(stranger), "huoi-puoc", "k1", RECEIVED)
    assert isinstance(other, Quarantined) and other.reason == "unknown_post"
    for event in scans(traffic, "tay-trang", "k1")[:5]:
        assert isinstance(watch.check(raw(event), "tay-trang", "k1", RECEIVED), dict)
    # A login making up 500 more kiosk ids: still one alert for the post, one throttle entry.
    event = scans(traffic, "tay-trang", "k1")[0]
    for n in range(500):
        made_up = {**event, "kiosk": f"x{n}"}
        assert isinstance(watch.check(raw(made_up), "tay-trang", f"x{n}", RECEIVED), Quarantined)
    unknown = [a for a in sent if a["kind"] == "unknown_kiosk"]
    assert [(a["post"], a["kiosk"]) for a in unknown] == [("tay-trang", None)]
    assert unknown[0]["detail"].startswith("kiosk k2: unknown_kiosk")
    assert len(watch.throttle._last) <= 2


def test_learning_keeps_a_bounded_number_of_kiosks_and_never_locks_the_real_one_out(traffic):
    event = traffic[0]
    post = event["post"]
    roster = KioskRoster(learn_cap=3, known=[(post, "real")])
    intake = Intake(roster=roster)
    # A login fills the post's slots with made-up kiosks, many times over.
    for n in range(50):
        kiosk = f"fake{n}"
        assert isinstance(intake.check(raw({**event, "kiosk": kiosk}), post, kiosk, RECEIVED),
                          Accepted)
    assert not roster.holds(post, "real")  # pushed out: bounded, at most 3 kept
    assert sum(roster.holds(post, f"fake{n}") for n in range(50)) == 3
    assert len(roster.take_forgotten()) == 48
    # The real kiosk is not locked out: it is learnt again the moment it sends.
    verdict = intake.check(raw({**event, "kiosk": "real"}), post, "real", RECEIVED)
    assert isinstance(verdict, Accepted) and roster.holds(post, "real")


def test_the_registry_key_is_read_and_checked_at_start(center_config, tmp_path: Path):
    registry = tmp_path / "registry.toml"
    registry.write_text('province = "11"\n[[post]]\ncode = "tay-trang"\nkiosks = ["k1"]\n')
    cfg, _sections = load_center_config(center_config(top=f'registry = "{registry}"'))
    assert cfg.registry == registry
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('province = "01"\n[[post]]\ncode = "tay-trang"\nkiosks = ["k1"]\n')
    with pytest.raises(ConfigProblem, match="province"):
        load_center_config(center_config(top=f'registry = "{wrong}"'))
    with pytest.raises(ConfigProblem, match="registry"):
        load_center_config(center_config(top=f'registry = "{tmp_path}"'))


def test_a_post_keeps_at_most_its_quarantine_budget(tmp_path: Path):
    cfg = CenterConfig.model_validate({
        "province": PROV, "store": {"path": tmp_path / "c.db"},
        "broker": {"host": "127.0.0.1", "port": 1},
        "ingest": {"quarantine_per_post_hour": 3}})
    store = Store(cfg.store)
    ingest = CenterIngest(cfg, store, check=lambda *a: Quarantined("malformed_json", "junk"))
    ingest.client.ack = lambda mid, qos: None  # type: ignore[method-assign]
    topic = topics.kiosk_events(PROV, "tay-trang", "k1")
    ingest._ingest([_Event(0, n, 1, topic, b"junk %d" % n) for n in range(10)])
    assert len(store.quarantined()) == 3 and ingest.counters.quarantine_uncounted == 7
    store.close()


def test_an_event_over_the_quarantine_budget_is_not_acknowledged(tmp_path: Path):
    # Kept nowhere, it must stay with the gateway (which sends it again later), not be acked.
    cfg = CenterConfig.model_validate({
        "province": PROV, "store": {"path": tmp_path / "c.db"},
        "broker": {"host": "127.0.0.1", "port": 1},
        "ingest": {"quarantine_per_post_hour": 3}})
    store = Store(cfg.store)
    ids = [str(ULID()) for _ in range(10)]
    ingest = CenterIngest(cfg, store, check=lambda payload, *a: Quarantined(
        "bad_time", "clock off", event_id=payload.decode()))
    ingest.client.ack = lambda mid, qos: None  # type: ignore[method-assign]
    sent: list[bytes] = []
    ingest.client.publish = lambda topic, payload, qos: sent.append(payload)  # type: ignore
    topic = topics.kiosk_events(PROV, "tay-trang", "k1")
    ingest._ingest([_Event(0, n, 1, topic, event_id.encode()) for n, event_id in enumerate(ids)])
    kept = {row["event_id"] for row in store.quarantined()}
    acked = {i for payload in sent for i in json.loads(payload)["event_ids"]}
    assert len(kept) == 3 and acked == kept
    store.close()


@pytest.mark.timeout(120)
def test_a_post_over_its_rate_is_held_back_while_others_flow_and_loses_nothing(
        mosquitto, center_config, traffic):
    """Junk megabytes from one post's login: that post's messages beyond its rate are held
    back (its real events come again and are stored); another post's events flow as usual."""
    cfg, sections = load_center_config(center_config(
        mosquitto, extra="\n[ingest]\npost_share_per_s = 20\npost_share_burst = 40\n"))
    service = CenterService(cfg, sections)
    subscribed = threading.Event()
    service.ingest.client.on_subscribe = lambda *_args: subscribed.set()
    service.start()
    assert subscribed.wait(15)
    gateway = Listener(mosquitto.port, [topics.post_acks(PROV, "+"), topics.alerts(PROV)])
    try:
        hostile = topics.kiosk_events(PROV, "tay-trang", "k1")
        own = scans(traffic, "tay-trang", "k1")[:20]
        others = scans(traffic, "pha-din", "k1")[:20]
        # Another post is sending, so the flooding one has no more than its share.
        gateway.publish(topics.kiosk_events(PROV, "pha-din", "k1"), raw(others[0]))
        for _ in range(40):  # 40 MB: 10,240 events' worth, where the post's share holds 40
            gateway.client.publish(hostile, os.urandom(1024 * 1024), qos=1)
        for event in own + others[1:]:
            gateway.publish(topics.kiosk_events(PROV, event["post"], event["kiosk"]), raw(event))

        def acked() -> set[str]:
            return {i for m in gateway.messages(topics.post_acks(PROV, "+"))
                    for i in m["event_ids"]}

        assert wait_for(lambda: {e["event_id"] for e in others} <= acked(), 20)
        assert service.ingest.counters.held_back > 0
        # As a gateway does: whatever is not acknowledged is sent again, later.
        for _attempt in range(20):
            missing = [e for e in own if e["event_id"] not in acked()]
            if not missing:
                break
            for event in missing:
                gateway.publish(topics.kiosk_events(PROV, "tay-trang", "k1"), raw(event))
            wait_for(lambda: False, 1.0)
        assert all(service.store.event(e["event_id"]) is not None for e in own + others)
        assert wait_for(lambda: any(a["kind"] == "rate_limited"
                                    for a in gateway.messages(topics.alerts(PROV))), 10)
        kept = service.store.db.rows("SELECT count(*), sum(length(payload)) FROM quarantine")
        assert kept[0][1] is None or kept[0][1] <= kept[0][0] * EXCERPT_BYTES
    finally:
        gateway.stop()
        service.stop()
    rate_alerts = [a for a in gateway.messages(topics.alerts(PROV))
                   if a["kind"] == AlertKind.RATE_LIMITED]
    assert len(rate_alerts) == 1 and rate_alerts[0]["post"] == "tay-trang"
