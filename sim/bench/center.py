"""`chot bench center`: what the watch (full checks, alerts, arrivals) costs ingest.

Both runs drain the same events through a real mosquitto into a fresh store: the baseline is
ingest with its light check only, the other the whole center. The per-event check is timed
alone as well. Ratios are what to read; absolute rates drift on a shared machine.
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ulid import ULID

from center.config import CenterConfig
from center.event_check import Intake
from center.ingest import CenterIngest, light_check
from center.service import CenterService
from center.settings import CenterSections
from center.store import Store
from infra import topics
from infra.config import parse_config
from screening.event import EventHeader, utc_iso
from sim.broker import MosquittoBroker
from sim.load import sample_makers

PROV = "11"
KIOSKS = 20


@dataclass(frozen=True)
class DrainResult:
    """How long a run took to store every event."""

    events: int
    seconds: float

    @property
    def per_s(self) -> float:
        """Events stored per second."""
        return self.events / self.seconds if self.seconds > 0 else 0.0


def bench_events(count: int, now: datetime) -> list[tuple[str, bytes]]:
    """(topic, payload) of `count` real scan events from 20 kiosks of 4 posts, as history."""
    makers = sample_makers(now)
    out = []
    for n in range(count):
        post, kiosk = f"post-{n % 4}", f"k{n % KIOSKS}"
        at = now - timedelta(seconds=2 * (count - n))
        header = EventHeader(str(ULID.from_datetime(at)), n // KIOSKS + 1, post, kiosk, at)
        event = makers[n % len(makers)](header).to_json()
        out.append((topics.kiosk_events(PROV, post, kiosk),
                    json.dumps(event, ensure_ascii=False).encode()))
    return out


def check_rates(events: list[tuple[str, bytes]], now: datetime) -> dict[str, float]:
    """Events per second through ingest's light check and through the watch's full one."""
    parsed = [(payload, topics.parse_kiosk_topic(topic)) for topic, payload in events]
    start = time.perf_counter()
    for payload, where in parsed:
        assert where is not None
        light_check(payload, where.post, where.kiosk, now)
    light = time.perf_counter() - start
    intake = Intake()
    start = time.perf_counter()
    for payload, where in parsed:
        assert where is not None
        intake.check(payload, where.post, where.kiosk, now)
    full = time.perf_counter() - start
    return {"light_check_per_s": round(len(events) / light),
            "full_check_per_s": round(len(events) / full), "ratio": round(light / full, 3)}


def drain(broker: MosquittoBroker, events: list[tuple[str, bytes]], whole_center: bool,
          folder: Path, timeout_s: float = 120.0) -> DrainResult:
    """Publish the events and time until the store holds them all."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    cfg = parse_config({"province": PROV, "instance": f"bench-{whole_center}",
                        "store": {"path": str(folder / f"center-{whole_center}.db")},
                        "broker": {"host": "127.0.0.1", "port": broker.port}}, CenterConfig)
    service = CenterService(cfg, CenterSections()) if whole_center else None
    store = service.store if service else Store(cfg.store)
    ingest = service.ingest if service else CenterIngest(cfg, store)
    (service or ingest).start()
    ingest.link.wait_connected(10.0)
    time.sleep(0.3)  # let the subscription settle before the first event
    publisher = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    publisher.max_inflight_messages_set(1000)
    publisher.connect("127.0.0.1", broker.port)
    publisher.loop_start()
    start = time.perf_counter()
    for topic, payload in events:
        publisher.publish(topic, payload, qos=1)
    deadline = time.monotonic() + timeout_s
    while ingest.counters.stored < len(events) and time.monotonic() < deadline:
        time.sleep(0.01)
    seconds = time.perf_counter() - start
    publisher.disconnect()
    publisher.loop_stop()
    stored = ingest.counters.stored
    if service:
        service.stop()
    else:
        ingest.stop()
        store.close()
    return DrainResult(stored, seconds)


def run_bench(count: int) -> dict[str, Any]:
    """Both drains and the check rates, as the JSON `chot bench center` prints."""
    now = datetime.now(UTC)
    events = bench_events(count, now)
    with tempfile.TemporaryDirectory(prefix="chot-bench-center-") as tmp:
        # A broker each: a stopped run's persistent session would keep its share of events.
        with MosquittoBroker(persistence=False) as broker:
            baseline = drain(broker, events, False, Path(tmp))
        with MosquittoBroker(persistence=False) as broker:
            center = drain(broker, events, True, Path(tmp))
    return {"events": count, "at": utc_iso(now), "baseline_stored": baseline.events,
            "center_stored": center.events,
            "baseline_events_per_s": round(baseline.per_s),
            "center_events_per_s": round(center.per_s),
            "ratio": round(center.per_s / baseline.per_s, 3) if baseline.per_s else None,
            "check": check_rates(events, now)}
