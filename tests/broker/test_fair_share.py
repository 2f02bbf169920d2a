"""One post's login floods valid batches: every other post keeps its latency and loses nothing
(issue 17), on the shipped center broker with its dynamic-security logins and TLS."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from center.config import CenterConfig
from center.ingest import CenterIngest, _Event
from center.limits import FairShare, cost_of, events_in
from center.post_queues import PostQueues
from center.store import Store
from chot.cli import main
from infra import topics
from infra.client_ids import gateway_client_id
from kiosk_ui.journal import Journal
from sim.bench.flood import FloodBatches, Flooder
from sim.load import sample_makers
from sim.shipped_brokers import ShippedBroker, password
from tests.broker.parts import REGISTRY
from tests.gateway.parts import ChotProcess, broker_toml, wait_for

PROV = REGISTRY.province
CALM, FLOOD, KIOSK = "P01", "P02", "K1"


class CalmGateway:
    """A well-behaved post's gateway over TLS: single events at a steady rate, resending
    whatever the center has not acknowledged, timing each event from first send to its ack."""

    def __init__(self, shipped: ShippedBroker, work: Path) -> None:
        self.journal = Journal(work / "calm.db", CALM, KIOSK)
        self.sent_at: dict[str, float] = {}
        self.acked_at: dict[str, float] = {}
        self.payloads: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._subscribed = threading.Event()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=gateway_client_id(CALM),
                                  protocol=mqtt.MQTTv5)
        self.client.username_pw_set(CALM, password(CALM))
        self.client.tls_set(ca_certs=str(shipped.tls.ca_file))
        self.client.on_message = self._on_ack
        self.client.on_subscribe = lambda *_a: self._subscribed.set()
        self.client.on_connect = lambda c, *_a: c.subscribe(topics.post_acks(PROV, CALM), qos=1)
        self.client.connect("127.0.0.1", shipped.tls_port)
        self.client.loop_start()
        assert self._subscribed.wait(10)

    def _on_ack(self, _c: Any, _u: Any, message: mqtt.MQTTMessage) -> None:
        now = time.monotonic()
        with self._lock:
            for event_id in json.loads(message.payload)["event_ids"]:
                self.acked_at.setdefault(event_id, now)

    def send(self, seconds: float, rate: float) -> list[str]:
        """Record and send events for `seconds`; their ids."""
        makers, ids = sample_makers(), list[str]()
        start = time.monotonic()
        while time.monotonic() - start < seconds:
            event = self.journal.record(makers[len(ids) % len(makers)])
            payload = json.dumps(event, ensure_ascii=False).encode()
            with self._lock:
                self.sent_at[event["event_id"]] = time.monotonic()
                self.payloads[event["event_id"]] = payload
            self.client.publish(topics.kiosk_events(PROV, CALM, KIOSK), payload, qos=1)
            ids.append(event["event_id"])
            self.resend(older_than_s=3.0)
            # Pacing the sender at `rate`, not waiting for anything.
            time.sleep(max(0.0, start + len(ids) / rate - time.monotonic()))
        return ids

    def resend(self, older_than_s: float) -> bool:
        """Send again what waits for its ack longer than a gateway's resend timer (False)."""
        now = time.monotonic()
        with self._lock:
            due = [i for i, at in self.sent_at.items()
                   if i not in self.acked_at and now - at > older_than_s]
        for event_id in due:
            self.client.publish(topics.kiosk_events(PROV, CALM, KIOSK), self.payloads[event_id],
                                qos=1)
        return False

    def latencies(self, ids: list[str]) -> list[float]:
        """Seconds from first send to ack of each acknowledged event, sorted."""
        with self._lock:
            return sorted(self.acked_at[i] - self.sent_at[i] for i in ids if i in self.acked_at)

    def stop(self) -> None:
        """Disconnect."""
        self.client.disconnect()
        self.client.loop_stop()
        self.journal.close()


def registry_file(tmp_path: Path) -> Path:
    """REGISTRY as the TOML file the center reads."""
    posts = "".join(f'[[post]]\ncode = "{p.code}"\nkiosks = {json.dumps(sorted(p.kiosks))}\n'
                    for p in REGISTRY.post)
    path = tmp_path / "registry.toml"
    path.write_text(f'province = "{PROV}"\ncenters = {json.dumps(list(REGISTRY.centers))}\n'
                    + posts)
    return path


@pytest.fixture
def center(tmp_path: Path, center_broker: ShippedBroker) -> Iterator[ChotProcess]:
    """`chot center --headless` with the registry, logged in as center-1 on loopback."""
    config = tmp_path / "center.toml"
    config.write_text(f'province = "{PROV}"\ninstance = "center-1"\n'
                      f'registry = "{registry_file(tmp_path)}"\n'
                      f'[store]\npath = "{tmp_path / "center.db"}"\n'
                      + broker_toml("broker", center_broker.port, username="center-1",
                                    password=password("center-1")))
    process = ChotProcess(tmp_path, "center", "center", "--config", str(config),
                          "--headless").start()
    assert wait_for(lambda: '"status": "running"' in process.output(), 30), process.output()
    yield process
    process.terminate()


def _p(values: list[float], pct: float) -> float:
    return values[min(len(values) - 1, int(pct / 100 * len(values)))] if values else float("inf")


@pytest.mark.timeout(180)
def test_a_calm_post_keeps_its_latency_and_loses_nothing_while_another_floods(
        tmp_path: Path, center_broker: ShippedBroker, center: ChotProcess) -> None:
    calm = CalmGateway(center_broker, tmp_path)
    flooder = Flooder(center_broker.tls_port, center_broker.tls, password(FLOOD), tmp_path,
                      PROV, FLOOD, KIOSK)
    try:
        before = calm.send(seconds=3.0, rate=20)
        assert wait_for(lambda: len(calm.latencies(before)) == len(before), 20)
        flooder.start()
        during = calm.send(seconds=6.0, rate=20)
        flooder.stop()
        assert wait_for(lambda: calm.resend(older_than_s=3.0)
                        or len(calm.latencies(during)) == len(during), 60), \
            f"{len(during) - len(calm.latencies(during))} calm events never acknowledged"
        quiet, flooded = calm.latencies(before), calm.latencies(during)
    finally:
        calm.stop()
    center.terminate()
    final = json.loads(center.output().strip().splitlines()[-1])
    # The calm post's events wait at most about one commit of the flood, never for the flood
    # (before: every calm event queued behind all of it, p90 17 s in the review). Generous:
    # the suite shares two cores with the flooder, both brokers and the center, and other
    # jobs may share the machine (p90 1.8 s was seen so; `chot bench flood` measures it).
    assert _p(flooded, 90) <= max(3.0, 4 * _p(quiet, 90)), (_p(quiet, 90), _p(flooded, 90))
    assert flooded[-1] <= 6.0, flooded[-1]
    # Offered far more than the center stores in the time: the rest was held back, in events.
    assert flooder.sent > 20_000 and final["held_back"] > 0
    assert final["held_back"] % 200 == 0, "held back is counted in events, 200 a batch"
    assert final["by_post"][CALM] == len(before) + len(during)


def test_a_post_within_its_share_or_alone_is_taken_in_and_over_it_beside_others_is_not():
    share = FairShare(share_per_s=100, burst=200, quiet_s=2.0)
    # Alone, a post draining its backlog may use the whole center.
    assert all(share.admit("drain", 200, now=t / 100) for t in range(100))
    # Another post sends: the first is now held to its share.
    assert share.admit("calm", 1, now=1.0)
    assert share.contended(1.0)
    assert not share.admit("drain", 200, now=1.01)
    assert share.admit("calm", 1, now=1.02)  # the calm post is never held back
    assert share.admit("drain", 100, now=2.02)  # its share refilled: 100 events a second
    # The calm post falls silent: after quiet_s the center is the backlog's alone again.
    assert not share.contended(4.1)
    assert share.admit("drain", 200, now=4.1)


def test_a_message_costs_its_events_or_its_size_whichever_is_more(tmp_path: Path):
    batch = FloodBatches(tmp_path, CALM, KIOSK).next()
    assert events_in(batch) == 200 and cost_of(batch) == 200
    assert events_in(b"junk") == 1 and cost_of(b"x" * 1024 * 1024) == 256


def test_queued_work_is_taken_round_robin_in_events():
    queues: PostQueues[str] = PostQueues(quantum=200)
    for n in range(50):
        queues.put(FLOOD, f"flood-{n}", 200)
    queues.put(CALM, "calm-0", 1)
    first = queues.take(limit=200, timeout=0.1)
    assert "calm-0" in first and len(first) <= 2  # one flood batch at most before it
    assert queues.pending() == 200 * 50 - 200 * (len(first) - 1)
    # Alone, a post takes a whole batch's worth at once (a backlog drains in big commits).
    assert len(queues.take(limit=2000, timeout=0.1)) == 10


def test_while_posts_contend_a_big_message_is_committed_in_quanta_and_pubacked_last(
        tmp_path: Path):
    cfg = CenterConfig.model_validate({
        "province": PROV, "store": {"path": tmp_path / "c.db"},
        "broker": {"host": "127.0.0.1", "port": 1}, "ingest": {"quantum": 50}})
    store = Store(cfg.store)
    ingest = CenterIngest(cfg, store)
    pubacks: list[int] = []
    acked: list[str] = []
    ingest.client.ack = lambda mid, qos: pubacks.append(mid)  # type: ignore[method-assign]
    ingest.client.publish = lambda topic, payload, qos: acked.extend(  # type: ignore
        json.loads(payload)["event_ids"])
    batch = FloodBatches(tmp_path, FLOOD, KIOSK).next()
    items: list[Any] = [_Event(0, 7, 1, topics.kiosk_events(PROV, FLOOD, KIOSK), batch)]
    stored = []
    while items:
        ingest._ingest(items, chunk=50)
        stored.append(store.count_events())
        items = ingest._work.take(limit=50, timeout=0.01)
    assert stored == [50, 100, 150, 200] and pubacks == [7]  # PUBACKed once, with the last
    assert len(acked) == len(set(acked)) == 200  # each chunk acknowledged to the gateway
    store.close()


@pytest.mark.timeout(240)
def test_bench_flood_short_version_prints_every_figure(capsys: pytest.CaptureFixture[str]):
    # The suite's short run of `chot bench flood` (the README's runs 60 s): the command
    # works end to end; its latency targets are left to the full run on a quiet machine.
    main(["bench", "flood", "--duration", "5", "--calm", "3", "--json"])
    result = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert result["lost"] == 0 and result["held_back"] > 0 and result["calm_events"] > 100
    assert set(result["peak_rss_mb"]) == {"center", "center_broker", "post_broker"}
    assert all(0 < mb <= 500 for mb in result["peak_rss_mb"].values())
    assert result["calm_p99_ms"] > 0 and 0 < result["flood_p99_ms"] <= 2000
    assert main(["bench", "flood", "--duration", "0", "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["reason"] == "bad_argument"
