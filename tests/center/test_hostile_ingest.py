"""One bad message must not stop ingest for the province (issue 14, item 2).

Each attack is played against a real mosquitto and a running center, as the holder of a
kiosk's or a gateway's login would play it; then good events follow. They must be stored and
acknowledged, and the bad message kept in quarantine once, not retried in a loop.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from center.service import CenterService
from center.settings import load_center_config
from center.store import Store
from infra import topics
from infra.polling import wait_until as wait_for
from tests.center.test_center_instances import Listener

PROV = "11"
WAIT_S = 20.0
LONE = "\\ud800"  # a JSON escape of a lone surrogate: valid JSON, not storable text


@pytest.fixture
def center(mosquitto: Any, center_config: Callable[..., Path],
           ) -> Iterator[tuple[CenterService, Listener]]:
    """A running center and a client that publishes as a gateway and hears acks, alerts and
    arrival notices."""
    cfg, sections = load_center_config(center_config(mosquitto))
    service = CenterService(cfg, sections)
    subscribed = threading.Event()
    service.ingest.client.on_subscribe = lambda *_args: subscribed.set()
    service.start()
    assert subscribed.wait(15), "the center never subscribed"
    gateway = Listener(mosquitto.port, [topics.post_acks(PROV, "+"), topics.alerts(PROV),
                                        topics.arrivals(PROV, "+")])
    try:
        yield service, gateway
    finally:
        gateway.stop()
        service.stop()


def acked(gateway: Listener) -> set[str]:
    return {i for m in gateway.messages(topics.post_acks(PROV, "+")) for i in m["event_ids"]}


def send_events(gateway: Listener, events: list[dict[str, Any]]) -> None:
    for event in events:
        gateway.publish(topics.kiosk_events(PROV, event["post"], event["kiosk"]),
                        json.dumps(event, ensure_ascii=False).encode())


def stored_and_acked(service: CenterService, gateway: Listener,
                     events: list[dict[str, Any]]) -> bool:
    ids = {e["event_id"] for e in events}
    return wait_for(lambda: ids <= acked(gateway)
                    and all(service.store.event(i) is not None for i in ids), WAIT_S)


def passed_through(service: CenterService, gateway: Listener, traffic: list[dict[str, Any]],
                   bad: dict[str, Any]) -> bool:
    """Send ten later events of the bad one's kiosk and wait until they are stored and
    acknowledged: the center takes a kiosk's stream in order, so a retry of the bad message
    would have shown by then (a wait on that, not on a guessed time)."""
    later = [e for e in traffic if (e["post"], e["kiosk"]) == (bad["post"], bad["kiosk"])][:10]
    assert len(later) == 10
    send_events(gateway, later)
    return stored_and_acked(service, gateway, later)


def quarantine_rows(service: CenterService) -> list[dict[str, Any]]:
    return service.store.quarantined(1000)


def test_a_relayed_kiosk_state_holding_a_lone_surrogate_stops_nothing(center, traffic):
    service, gateway = center
    state = ('{"schema":1,"status":"online","post":"tay-trang","kiosk":"k1","reason":"'
             + LONE + '","pending":0}').encode()
    gateway.publish(topics.kiosk_state(PROV, "tay-trang", "k1"), state, retain=True)
    gateway.publish(topics.gateway_state(PROV, "tay-trang"),
                    ('{"schema":1,"status":"' + LONE + '"}').encode(), retain=True)
    send_events(gateway, traffic[:30])
    assert stored_and_acked(service, gateway, traffic[:30])
    assert wait_for(lambda: any(s.kiosk == "k1" for s in service.store.states("kiosk")), WAIT_S)
    kiosk = next(s for s in service.store.states("kiosk") if s.kiosk == "k1")
    assert kiosk.state["reason"] == "\ufffd"  # made storable, not dropped
    gateway_state = service.store.states("gateway")[0]
    assert gateway_state.status == "\ufffd"
    assert service.ingest.counters.errors == 0


def test_an_event_with_a_list_for_its_schema_is_quarantined_once(center, traffic):
    service, gateway = center
    bad = {**traffic[0], "schema": []}
    send_events(gateway, [bad])
    send_events(gateway, traffic[1:30])
    assert stored_and_acked(service, gateway, traffic[1:30])
    assert passed_through(service, gateway, traffic[30:], traffic[0])
    rows = quarantine_rows(service)
    assert [r["reason"] for r in rows] == ["unknown_schema"]
    assert rows[0]["event_id"] == bad["event_id"]  # acknowledged: kept aside, not resent
    assert bad["event_id"] in acked(gateway)
    assert service.store.event(bad["event_id"]) is None
    assert service.ingest.counters.errors == 0


def test_an_event_id_of_lone_surrogates_is_quarantined_once(center, traffic):
    service, gateway = center
    text = json.dumps(traffic[0], ensure_ascii=False)
    bad = text.replace(traffic[0]["event_id"], LONE * 26).encode()
    gateway.publish(topics.kiosk_events(PROV, traffic[0]["post"], traffic[0]["kiosk"]), bad)
    send_events(gateway, traffic[1:30])
    assert stored_and_acked(service, gateway, traffic[1:30])
    assert passed_through(service, gateway, traffic[30:], traffic[0])
    rows = quarantine_rows(service)
    assert len(rows) == 1 and rows[0]["reason"] == "invalid_event"
    assert rows[0]["event_id"] is None  # nothing a gateway holds is named by it
    assert service.ingest.counters.errors == 0


def test_a_name_with_a_lone_surrogate_is_stored_and_every_notice_of_its_batch_sent(
        center, traffic):
    service, gateway = center
    notified = [e for e in traffic if e["type"] == "scan" and e.get("identity")
                and e["outcome"] == "home_quarantine" and e["kiosk"] == "k1"
                and e["post"] == "tay-trang"][:4]  # a batch is one kiosk's
    first = notified[0]
    odd = json.dumps(first, ensure_ascii=False).replace(
        json.dumps(first["identity"]["name"], ensure_ascii=False)[1:-1],
        "Nguy" + LONE + "n").encode()
    batch = (b'{"schema":1,"type":"batch","events":[' + odd + b","
             + b",".join(json.dumps(e, ensure_ascii=False).encode() for e in notified[1:])
             + b"]}")
    gateway.publish(topics.kiosk_events(PROV, first["post"], first["kiosk"]), batch)
    assert stored_and_acked(service, gateway, notified)
    stored = service.store.event(first["event_id"])
    assert stored is not None and stored["identity"]["name"] == "Nguy\ufffdn"

    def arrivals() -> set[str]:
        return {m["event_id"] for m in gateway.messages(topics.arrivals(PROV, "+"))
                if m["type"] == "arrival"}

    assert wait_for(lambda: {e["event_id"] for e in notified} <= arrivals(), WAIT_S)


def test_a_message_the_store_refuses_is_quarantined_whole_and_the_rest_go_on(
        tmp_path: Path, traffic):
    from center.config import CenterConfig
    from center.ingest import CenterIngest, _Event

    cfg = CenterConfig.model_validate({"province": PROV, "store": {"path": tmp_path / "c.db"},
                                       "broker": {"host": "127.0.0.1", "port": 1}})
    store = Store(cfg.store)
    real = store.set_states

    def refuse_states(states: Any) -> None:
        if any(b"poison" in s[4] for s in states):
            raise ValueError("the database refused this row")
        real(states)

    store.set_states = refuse_states  # type: ignore[method-assign]
    announced: list[str] = []
    ingest = CenterIngest(cfg, store, on_stored=lambda evs: announced.extend(
        e["event_id"] for e in evs))
    sent: list[bytes] = []
    ingest.client.publish = lambda topic, payload, qos: sent.append(payload)  # type: ignore
    ingest.client.ack = lambda mid, qos: None  # type: ignore[method-assign]
    events = traffic[:5]
    items = [_Event(0, i, 1, topics.kiosk_events(PROV, e["post"], e["kiosk"]),
                    json.dumps(e).encode()) for i, e in enumerate(events)]
    items.append(_Event(0, 99, 1, topics.kiosk_state(PROV, "tay-trang", "k1"),
                        b'{"schema":1,"status":"online","poison":1}'))
    ingest._ingest(items)
    assert announced == [e["event_id"] for e in events]  # notices sent once, before the fault
    assert {i for p in sent for i in json.loads(p)["event_ids"]} == set(announced)
    assert [r["reason"] for r in store.quarantined()] == ["unstorable"]
    ingest._ingest(items)  # redelivered: stored already, nothing announced twice
    assert len(announced) == len(events)
    store.close()


def test_an_event_the_store_refuses_inside_a_batch_costs_only_itself(tmp_path: Path, traffic):
    from center.config import CenterConfig
    from center.ingest import CenterIngest, _Event

    cfg = CenterConfig.model_validate({"province": PROV, "store": {"path": tmp_path / "c.db"},
                                       "broker": {"host": "127.0.0.1", "port": 1}})
    store = Store(cfg.store)
    real = store.add_events
    events = [e for e in traffic if e["post"] == "tay-trang" and e["kiosk"] == "k1"][:6]
    poison = events[2]["event_id"]

    def refuse_one(batch: Any, *args: Any) -> Any:
        if any(e["event_id"] == poison for e in batch):
            raise ValueError("the database refused this row")
        return real(batch, *args)

    store.add_events = refuse_one  # type: ignore[method-assign]
    ingest = CenterIngest(cfg, store)
    sent: list[bytes] = []
    ingest.client.publish = lambda topic, payload, qos: sent.append(payload)  # type: ignore
    ingest.client.ack = lambda mid, qos: None  # type: ignore[method-assign]
    batch = json.dumps({"schema": 1, "type": "batch", "events": events}).encode()
    ingest._ingest([_Event(0, 1, 1, topics.kiosk_events(PROV, "tay-trang", "k1"), batch)])
    good = {e["event_id"] for e in events} - {poison}
    # The other five are stored, not lost with the one the store refused …
    assert all(store.event(i) is not None for i in good)
    # … which is kept aside on its own, whole, and every event is acknowledged once kept.
    [row] = store.quarantined()
    assert row["reason"] == "unstorable" and row["event_id"] == poison
    assert {i for p in sent for i in json.loads(p)["event_ids"]} == good | {poison}
    store.close()
