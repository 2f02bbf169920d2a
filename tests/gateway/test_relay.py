"""The relay end to end on real mosquitto brokers: kiosks → post broker → gateway → center."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from ulid import ULID

from center.config import CenterConfig
from center.ingest import CenterIngest
from center.store import Store
from gateway.config import GatewayConfig
from gateway.relay import Gateway
from infra import topics
from infra.config import load_config
from infra.wire import MAX_BATCH_EVENTS, events_payload
from kiosk_ui.journal import Journal
from kiosk_ui.kiosk_link import KioskLink
from kiosk_ui.link_config import KioskLinkConfig
from screening.keys import SigningKey
from screening.policy import POLICY_KIND
from screening.signed_doc import SignedDoc, sign_doc
from sim.broker import MosquittoBroker
from sim.load import run_load, sample_makers
from tests.center.test_asyncapi import payload_validators
from tests.gateway.parts import (
    POST,
    PROV,
    center_toml,
    count_rows,
    gateway_toml,
    kiosk_toml,
    open_kiosk,
    probe,
    wait_for,
)


def test_two_kiosks_events_reach_the_center_once_and_the_kiosks_learn_it(
        site: dict, tmp_path: Path) -> None:
    k1, _ = open_kiosk(site, tmp_path, "K1")
    k2, _ = open_kiosk(site, tmp_path, "K2")
    run_load(k1, 300, rate=0)
    run_load(k2, 200, rate=500)

    assert wait_for(lambda: site["store"].count_events() == 500, 20)
    assert wait_for(lambda: k1.counts()["pending"] == 0 == k2.counts()["pending"], 10)
    db = tmp_path / "center.db"
    assert count_rows(db, "SELECT count(DISTINCT event_id) FROM events") == 500
    for kiosk, total in (("K1", 300), ("K2", 200)):
        assert count_rows(db, f"SELECT max(seq) FROM events WHERE kiosk='{kiosk}'") == total
        assert count_rows(db, f"SELECT count(*) FROM events WHERE kiosk='{kiosk}'") == total
    assert wait_for(lambda: site["gateway"].state()["backlog"] == 0, 5)
    assert site["gateway"].counters.refused == 0


def test_gateway_and_kiosk_state_are_retained_at_the_center(site: dict, tmp_path: Path) -> None:
    journal, _ = open_kiosk(site, tmp_path, "K1")
    run_load(journal, 20, rate=0)
    watcher = probe(site["center"].port, [topics.gateway_state(PROV, POST),
                                          topics.kiosk_state(PROV, POST, "K1")])
    try:
        assert wait_for(lambda: (watcher.last(topics.gateway_state(PROV, POST)) or {})
                        .get("status") == "online", 5)
        assert wait_for(lambda: (watcher.last(topics.kiosk_state(PROV, POST, "K1")) or {})
                        .get("status") == "online", 5)
        state = watcher.last(topics.gateway_state(PROV, POST))
        assert state["schema"] == 1 and state["uplink"]["connected"] is True
        assert {"backlog", "oldest_pending_age_s", "alarms"} <= set(state)
        assert wait_for(lambda: [s.kind for s in site["store"].states()].count("kiosk") == 1, 5)
    finally:
        watcher.close()


def test_only_newer_center_signed_policy_is_fanned_out_to_kiosks(
        site: dict, tmp_path: Path, center_key: SigningKey) -> None:
    received: list[SignedDoc] = []
    open_kiosk(site, tmp_path, "K1", center_keys=[center_key.public], on_doc=received.append)
    publisher = probe(site["center"].port)
    post_view = probe(site["post"].port, [topics.policy(PROV)])
    forger = SigningKey.generate()

    def envelope(version: int, key: SigningKey) -> bytes:
        return json.dumps(sign_doc(POLICY_KIND, version, "2026-11-22T00:00:00Z",
                                   {"v": version}, key)).encode()

    try:
        publisher.publish_and_wait(topics.policy(PROV), envelope(2, center_key), retain=True)
        assert wait_for(lambda: [d.version for d in received] == [2], 5)
        publisher.publish_and_wait(topics.policy(PROV), envelope(3, forger), retain=True)
        publisher.publish_and_wait(topics.policy(PROV), envelope(1, center_key), retain=True)
        publisher.publish_and_wait(topics.policy(PROV), b"{not json", retain=True)
        publisher.publish_and_wait(topics.policy(PROV), envelope(4, center_key), retain=True)
        assert wait_for(lambda: [d.version for d in received] == [2, 4], 5)
        assert post_view.last(topics.policy(PROV))["version"] == 4
        assert site["gateway"].counters.docs_rejected == 2  # forged and not JSON
        assert site["gateway"].state()["policy_version"] == 4
    finally:
        publisher.close()
        post_view.close()


def test_last_will_reports_a_killed_gateway_offline(
        tmp_path: Path, mosquitto_factory: Callable[..., MosquittoBroker],
        chot_processes: Callable) -> None:
    post, center = mosquitto_factory(), mosquitto_factory()
    watcher = probe(center.port, [topics.gateway_state(PROV, POST)])
    try:
        gateway = chot_processes("gateway", "gateway", "--config",
                                 str(gateway_toml(tmp_path, post.port, center.port)))
        assert wait_for(lambda: (watcher.last(topics.gateway_state(PROV, POST)) or {})
                        .get("status") == "online", 15), gateway.output()
        gateway.kill()
        assert wait_for(lambda: watcher.last(topics.gateway_state(PROV, POST))["status"]
                        == "offline", 10)
        assert watcher.last(topics.gateway_state(PROV, POST))["reason"] == "connection_lost"
    finally:
        watcher.close()


def test_events_published_before_any_center_subscribed_are_sent_again_soon(
        tmp_path: Path, mosquitto_factory: Callable[..., MosquittoBroker]) -> None:
    post, center = mosquitto_factory(), mosquitto_factory()
    cfg_path = gateway_toml(tmp_path, post.port, center.port)
    cfg_path.write_text(cfg_path.read_text().replace("ack_timeout_s = 3.0", "ack_timeout_s = 600"))
    gateway = Gateway(load_config(cfg_path, GatewayConfig), [])
    gateway.start()
    journal = Journal(tmp_path / "k1.db", POST, "K1")
    link = KioskLink(load_config(kiosk_toml(tmp_path, "K1", post.port), KioskLinkConfig),
                     journal)
    link.start()
    store = Store(tmp_path / "center.db")
    ingest = CenterIngest(load_config(center_toml(tmp_path, center.port), CenterConfig), store)
    try:
        run_load(journal, 10, rate=0)
        # The broker says "No matching subscribers" (16): accepted, but nobody will get them.
        assert wait_for(lambda: gateway.counters.unrouted >= 10, 10), gateway.counters
        ingest.start()
        assert wait_for(lambda: store.count_events() == 10, 20), gateway.counters
        assert wait_for(lambda: journal.counts()["pending"] == 0, 10)
    finally:
        link.stop()
        gateway.stop()
        ingest.stop()


def test_a_backlog_travels_in_batches_and_each_event_is_stored_once(
        site: dict, tmp_path: Path) -> None:
    upstream = probe(site["center"].port, [topics.kiosk_events(PROV, POST, "K1")])
    try:
        journal = Journal(tmp_path / "journal-K1.db", POST, "K1")
        run_load(journal, 1000, rate=0)  # recorded while no link runs: a backlog
        journal.close()
        backlog, _ = open_kiosk(site, tmp_path, "K1")
        assert wait_for(lambda: site["store"].count_events() == 1000, 20)
        assert wait_for(lambda: backlog.counts()["pending"] == 0, 10)
        with upstream.lock:
            messages = [json.loads(m) for m in upstream.messages.get(
                topics.kiosk_events(PROV, POST, "K1"), [])]
    finally:
        upstream.close()
    carried = [e["event_id"] for m in messages
               for e in (m["events"] if m.get("type") == "batch" else [m])]
    assert sorted(set(carried)) == sorted(carried) and len(carried) == 1000
    assert len(messages) <= 1000 // 10, "a backlog must not leave one event per message"
    assert all(len(m["events"]) <= MAX_BATCH_EVENTS for m in messages if "events" in m)
    documented = payload_validators()["chot/v1/{province}/kiosk/{post}/{kiosk}/events"]
    for message in messages:
        documented.validate(message)  # what a third party reads is what docs/asyncapi.yaml says
    assert count_rows(tmp_path / "center.db", "SELECT count(DISTINCT event_id) FROM events") \
        == 1000


def test_a_bad_event_inside_a_batch_costs_only_itself(site: dict, tmp_path: Path) -> None:
    journal = Journal(tmp_path / "scratch.db", POST, "K9")
    good = [journal.record(maker) for maker in sample_makers()[:3]]
    journal.close()
    bad = {**good[0], "event_id": "not-a-ulid"}
    other_kiosk = {**good[1], "event_id": str(ULID()), "kiosk": "K8"}
    kiosk = probe(site["post"].port)
    try:
        batch = events_payload([json.dumps(e).encode() for e in (good[0], bad, good[1],
                                                                 other_kiosk, good[2])])
        assert kiosk.publish_and_wait(topics.kiosk_events(PROV, POST, "K9"), batch) == "Success"
        assert wait_for(lambda: site["store"].count_events() == 3, 10)
        assert site["gateway"].counters.malformed == 2  # the bad id and the foreign kiosk
        assert {e["event_id"] for e in site["store"].events()} == {e["event_id"] for e in good}
    finally:
        kiosk.close()


def test_center_stores_a_batch_and_quarantines_only_its_bad_event(
        site: dict, tmp_path: Path) -> None:
    journal = Journal(tmp_path / "scratch.db", POST, "K7")
    good = [journal.record(maker) for maker in sample_makers()[:2]]
    journal.close()
    bad = {**good[0], "event_id": str(ULID()), "seq": 0}
    acks = probe(site["center"].port, [topics.post_acks(PROV, POST)])
    try:
        batch = events_payload([json.dumps(e).encode() for e in (good[0], bad, good[1])])
        assert acks.publish_and_wait(topics.kiosk_events(PROV, POST, "K7"), batch) == "Success"
        assert wait_for(lambda: site["store"].count_events() == 2, 10)
        assert [q["reason"] for q in site["store"].quarantined()] == ["bad_seq"]
        assert wait_for(lambda: len(acks.last(topics.post_acks(PROV, POST)) or {}) > 0, 5)
        assert set(acks.last(topics.post_acks(PROV, POST))["event_ids"]) == \
            {good[0]["event_id"], good[1]["event_id"]}
    finally:
        acks.close()
