"""`chot bench live`: the center's CPU per event at live rates, and kiosk → center ack time.

A real `chot center --headless` on a real broker; the bench plays the posts' gateways as they
behave at live rates: each event of 200 kiosks (spread over the posts) is sent alone, QoS 1, on
its kiosk's topic, paced to the total rate, and the center's ack for it is waited for on the
post's ack topic. Figures: the center process's CPU over the paced run per event (beside its
idle CPU over as long before it), p50/p99 from the publish to the center's ack (the center's
check, commit and ack included; the kiosk → gateway hop is not), and events never acked.
"""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt

from infra import topics
from infra.config import BrokerConfig
from infra.mqtt import make_client
from infra.wire import parse_acks
from kiosk_ui.journal import Journal
from sim.bench.gateway import PROV, Processes, _broker_section, _cpu_s, _pct
from sim.broker import MosquittoBroker
from sim.load import sample_makers

Live = tuple[str, str, str, bytes]  # post, kiosk, event id, the journal's exact JSON


def _events(work: Path, posts: int, kiosks: int, count: int) -> list[Live]:
    """`count` events made by the kiosks' own journals, interleaved across kiosks as live
    traffic is."""
    makers = sample_makers()
    per_kiosk: list[list[Live]] = []
    for k in range(kiosks):
        post, kiosk = f"P{k % posts:03d}", f"K{k:03d}"
        journal = Journal(work / "journals" / f"{kiosk}.db", post, kiosk)
        n = count // kiosks + (1 if k < count % kiosks else 0)
        journal.record_many([makers[(k + i) % len(makers)] for i in range(n)])
        per_kiosk.append([(post, kiosk, e.event_id, e.payload)
                          for e in journal.pending(limit=n)])
        journal.close()
    mixed = []
    for i in range(max(len(events) for events in per_kiosk)):
        mixed += [events[i] for events in per_kiosk if i < len(events)]
    return mixed


def run_live_bench(posts: int = 5, kiosks: int = 200, rate: float = 100.0,
                   seconds: float = 30.0, timeout_s: float = 120.0) -> dict[str, Any]:
    """Run the paced load against a fresh center; the JSON `chot bench live` prints."""
    count = int(rate * seconds)
    with tempfile.TemporaryDirectory(prefix="chot-bench-live-") as tmp:
        work = Path(tmp)
        events = _events(work, posts, kiosks, count)
        with MosquittoBroker(workdir=work / "broker") as broker:
            (work / "center.toml").write_text(
                f'province = "{PROV}"\nlearn_kiosks = true\n[store]\n'
                f'path = "{work / "center.db"}"\n' + _broker_section("broker", broker.port))
            procs = Processes(work)
            try:
                center = procs.start("center", "center", "--config", str(work / "center.toml"),
                                     "--headless")
                return _paced(broker.port, center.pid, events, posts, kiosks, rate, timeout_s)
            finally:
                procs.stop_all()


def _paced(port: int, center_pid: int, events: list[Live], posts: int,
           kiosks: int, rate: float, timeout_s: float) -> dict[str, Any]:
    sent_at: dict[str, float] = {}
    latency: list[float] = []
    lock = threading.Lock()
    all_acked = threading.Event()

    def on_message(_c: Any, _u: Any, message: mqtt.MQTTMessage) -> None:
        ids = parse_acks(bytes(message.payload))
        now = time.perf_counter()
        with lock:
            for event_id in ids if isinstance(ids, list) else []:
                start = sent_at.pop(event_id, None)
                if start is not None:
                    latency.append((now - start) * 1000)
            if len(latency) >= len(events):
                all_acked.set()

    clients = {}
    for p in range(posts):
        post = f"P{p:03d}"
        client = make_client(BrokerConfig(port=port), f"chot-bench-live-{post}")
        client.on_message = on_message
        client.connect("127.0.0.1", port)
        client.subscribe(topics.post_acks(PROV, post), qos=1)
        client.loop_start()
        clients[post] = client
    time.sleep(3.0)  # the center connected and subscribed, the clients subscribed
    idle_before = _cpu_s(center_pid)
    idle_s = len(events) / rate
    time.sleep(idle_s)
    idle_cpu = _cpu_s(center_pid) - idle_before
    cpu_before = _cpu_s(center_pid)
    start = time.perf_counter()
    for n, (post, kiosk, event_id, payload) in enumerate(events):
        time.sleep(max(0.0, start + n / rate - time.perf_counter()))
        with lock:
            sent_at[event_id] = time.perf_counter()
        clients[post].publish(topics.kiosk_events(PROV, post, kiosk), payload, qos=1)
    all_acked.wait(timeout_s)
    cpu = _cpu_s(center_pid) - cpu_before
    for client in clients.values():
        client.disconnect()
        client.loop_stop()
    lat = sorted(latency)
    return {"posts": posts, "kiosks": kiosks, "rate": rate, "events": len(events),
            "center_cpu_us_per_event": round(cpu / len(events) * 1e6, 1),
            "center_idle_cpu_us_per_event": round(idle_cpu / len(events) * 1e6, 1),
            "ack_p50_ms": round(_pct(lat, 50), 2), "ack_p99_ms": round(_pct(lat, 99), 2),
            "unacked": len(events) - len(lat)}

