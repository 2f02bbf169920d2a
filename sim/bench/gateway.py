"""`chot bench gateway`: the relay's durable throughput beside raw paho QoS 1, in one run.

Every component runs as its own `chot` process on two fresh mosquitto brokers, as deployed:
kiosk link (`chot sim load`) → post broker → `chot gateway` → uplink proxy → provincial
broker → `chot center --headless`. Figures:

- raw_paho_per_s: one plain paho client (default settings) publishing the same payloads with
  QoS 1 to the provincial broker, one event per message, from the first publish to the last
  PUBACK: the target's baseline (ratio = events_per_s / raw_paho_per_s). The relay sends a
  backlog several events to a message (infra.wire), which is how it can beat it;
- events_per_s: a kiosk journal holding N events streams them through the running relay
  (post broker, gateway outbox commit before each PUBACK, QoS 1 upstream with reason codes
  checked, center commit); N over the span between the first and the last center commit;
- p50_ms / p99_ms: event time (set when the kiosk commits it) to center commit, at a paced
  rate (100 events/s by default), once the center has digested the throughput phase;
- drain_s: with the uplink cut, N events pile up in the gateway's outbox; the time from the
  uplink's return until the center holds them all;
- lost: events in the kiosks' journals missing from the center store (counted in SQLite);
- cpu_us_per_event: CPU time per event of the gateway and of the center during the
  throughput run, beside the raw paho client's CPU time per message, and cpu_ratio (raw paho
  CPU per message / gateway CPU per event): the throughput ratio the gateway reaches when it
  has a core to itself. On a busy machine this says more than the rates, which depend on what
  else is running.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from infra import topics
from kiosk_ui.journal import Journal
from sim.broker import MosquittoBroker
from sim.load import sample_makers
from sim.uplink import Uplink

PROV, POST = "01", "BENCH"
WINDOW = 1000


@dataclass
class BenchResult:
    """The figures `chot bench gateway` prints."""

    events: int
    events_per_s: float
    raw_paho_per_s: float
    p50_ms: float
    p99_ms: float
    drain_s: float
    drain_events: int
    lost: int
    doubled: int
    latency_rate: float
    cpu_us_per_event: dict[str, float]

    def to_json(self) -> dict[str, Any]:
        """The last-line JSON object."""
        return {"events": self.events, "events_per_s": round(self.events_per_s, 1),
                "raw_paho_per_s": round(self.raw_paho_per_s, 1),
                "ratio": round(self.events_per_s / self.raw_paho_per_s, 3)
                if self.raw_paho_per_s else None,
                "p50_ms": round(self.p50_ms, 2), "p99_ms": round(self.p99_ms, 2),
                "latency_rate": self.latency_rate, "drain_s": round(self.drain_s, 2),
                "drain_events": self.drain_events, "lost": self.lost, "doubled": self.doubled,
                "cpu_us_per_event": self.cpu_us_per_event,
                "cpu_ratio": round(self.cpu_us_per_event["raw_paho"]
                                   / self.cpu_us_per_event["gateway"], 3)
                if self.cpu_us_per_event.get("gateway") else None}


def raw_paho_rate(port: int, payload: bytes, count: int) -> float:
    """Messages per second one plain paho client gets PUBACKed at QoS 1.

    At most WINDOW messages are outstanding, as any real publisher must keep: paho numbers
    messages with 16-bit ids and refuses a new one while 65,535 are still unacknowledged.
    """
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="bench-raw",
                         protocol=mqtt.MQTTv5)
    room = threading.Semaphore(WINDOW)
    done = threading.Event()
    acked = [0]

    def on_publish(*_args: Any) -> None:
        acked[0] += 1
        room.release()
        if acked[0] >= count:
            done.set()

    client.on_publish = on_publish
    client.connect("127.0.0.1", port)
    client.loop_start()
    start = time.perf_counter()
    for _ in range(count):
        room.acquire()
        client.publish("chot/v1/bench/raw", payload, qos=1)
    done.wait(300)
    elapsed = time.perf_counter() - start
    client.disconnect()
    client.loop_stop()
    return acked[0] / elapsed


class Processes:
    """The chot processes of one bench run; all terminated at the end."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        """Start `python -m chot args…` with its output in name.log."""
        with open(self.workdir / f"{name}.log", "ab") as log:
            proc = subprocess.Popen([sys.executable, "-m", "chot", *args], stdout=log,
                                    stderr=subprocess.STDOUT,
                                    env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self._procs[name] = proc
        return proc

    def pid(self, name: str) -> int | None:
        """The process id of a started process still running."""
        proc = self._procs.get(name)
        return proc.pid if proc is not None and proc.poll() is None else None

    def stop_all(self) -> None:
        """SIGTERM everything, kill what does not stop."""
        for proc in self._procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self._procs.values():
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _broker_section(name: str, port: int) -> str:
    return (f'[{name}]\nhost = "127.0.0.1"\nport = {port}\nkeepalive_s = 10\n'
            f"reconnect_min_s = 0.2\nreconnect_max_s = 1.0\ninflight = {WINDOW}\n")


def _write_configs(work: Path, post_port: int, uplink_port: int, center_port: int) -> None:
    (work / "center.toml").write_text(
        f'province = "{PROV}"\nlearn_kiosks = true\n[store]\npath = "{work / "center.db"}"\n'
        + _broker_section("broker", center_port))
    (work / "gateway.toml").write_text(
        f'province = "{PROV}"\npost = "{POST}"\nstate_interval_s = 0.5\n'
        f'[outbox]\npath = "{work / "outbox.db"}"\n'
        + _broker_section("post_broker", post_port)
        + _broker_section("center_broker", uplink_port))
    for kiosk in ("K1", "K2", "K3"):
        (work / f"{kiosk}.toml").write_text(
            f'province = "{PROV}"\npost = "{POST}"\nkiosk = "{kiosk}"\nstate_interval_s = 0.5\n'
            f'[journal]\npath = "{work / f"{kiosk}.db"}"\n'
            + _broker_section("broker", post_port))


def _query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    if not db.exists():
        return []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


def _count(db: Path, sql: str) -> int:
    rows = _query(db, sql)
    return int(rows[0][0] or 0) if rows else 0


def _wait(predicate: Any, timeout: float, step: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())


def _wait_idle(pid: int, timeout: float, busy_share: float = 0.2, window_s: float = 1.0) -> bool:
    """Wait until a process uses under busy_share of a core over window_s (done catching up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = _cpu_s(pid)
        time.sleep(window_s)
        if _cpu_s(pid) - before < busy_share * window_s:
            return True
    return False


def _prerecord(path: Path, kiosk: str, count: int) -> None:
    journal = Journal(path, POST, kiosk)
    makers = sample_makers()
    for start in range(0, count, 1000):
        journal.record_many([makers[i % len(makers)]
                             for i in range(start, min(count, start + 1000))])
    journal.close()


def run_bench(events: int, latency_events: int = 500, rate: float = 100.0,
              drain_events: int | None = None, timeout_s: float = 600.0,
              keep: Path | None = None) -> BenchResult:
    """Run every phase on fresh brokers in a temp dir and return the figures."""
    work = Path(tempfile.mkdtemp(prefix="chot-bench-")) if keep is None else keep
    work.mkdir(parents=True, exist_ok=True)
    try:
        return _run(work, events, latency_events, rate, drain_events, timeout_s)
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


def _run(work: Path, events: int, latency_events: int, rate: float,
         drain_events: int | None, timeout_s: float) -> BenchResult:
    drain_n = events if drain_events is None else drain_events
    with MosquittoBroker(workdir=work / "post-broker") as post, \
            MosquittoBroker(workdir=work / "center-broker") as center, \
            Uplink("127.0.0.1", center.port) as uplink:
        _write_configs(work, post.port, uplink.port, center.port)
        payload = Journal(work / "sample.db", POST, "S").record(sample_makers()[0])
        cpu_before = time.process_time()
        raw = raw_paho_rate(center.port, json.dumps(payload).encode(), events)
        raw_cpu_us = (time.process_time() - cpu_before) / events * 1e6
        procs = Processes(work)
        center_db = work / "center.db"
        stored = lambda: _count(center_db, "SELECT count(*) FROM events")  # noqa: E731
        try:
            center_proc = procs.start("center", "center", "--config", str(work / "center.toml"),
                        "--headless")
            gateway_proc = procs.start("gateway", "gateway", "--config",
                                       str(work / "gateway.toml"))
            _wait(lambda: center_db.exists(), 30)
            _wait(lambda: _gateway_online(center.port), 30, step=0.2)

            # A kiosk journal full of events streams through the running relay. (Queueing
            # them at the post broker first would measure mosquitto's slow long queues.)
            _prerecord(work / "K1.db", "K1", events)
            cpu_start = {name: _cpu_s(p.pid) for name, p in
                         (("gateway", gateway_proc), ("center", center_proc))}
            procs.start("k1", "sim", "load", "--config", str(work / "K1.toml"), "--events",
                        "0", "--wait", str(timeout_s))
            _wait(lambda: stored() >= events, timeout_s)
            span = _query(center_db, "SELECT max(received_at) - min(received_at) FROM events")
            throughput = events / max(float(span[0][0] or 0.0), 1e-3)
            cpu_us = {name: round((_cpu_s(p.pid) - cpu_start[name]) / events * 1e6, 1)
                      for name, p in (("gateway", gateway_proc), ("center", center_proc))}

            # The center is still writing the backlog's arrival notices and ward counts
            # after the last event is in; a latency run started now measured that queue.
            _wait_idle(center_proc.pid, timeout_s)
            before = stored()
            procs.start("k2", "sim", "load", "--config", str(work / "K2.toml"), "--events",
                        str(latency_events), "--rate", str(rate), "--wait", "60")
            _wait(lambda: stored() >= before + latency_events, timeout_s)
            lat = sorted(
                (row[0] - _epoch(row[1])) * 1000 for row in _query(
                    center_db, "SELECT received_at, at FROM events WHERE kiosk='K2'"))

            uplink.cut()
            _prerecord(work / "K3.db", "K3", drain_n)
            total = stored() + drain_n
            procs.start("k3", "sim", "load", "--config", str(work / "K3.toml"), "--events",
                        "0", "--wait", str(timeout_s))
            _wait(lambda: _count(work / "outbox.db", "SELECT count(*) FROM outbox")
                  >= drain_n, timeout_s, step=0.2)
            uplink.restore()
            start = time.perf_counter()
            _wait(lambda: stored() >= total, timeout_s, step=0.05)
            drain = time.perf_counter() - start
        finally:
            procs.stop_all()
        produced = set()
        for kiosk in ("K1", "K2", "K3"):
            produced |= {r[0] for r in _query(work / f"{kiosk}.db", "SELECT event_id FROM events")}
        at_center = [r[0] for r in _query(center_db, "SELECT event_id FROM events")]
        return BenchResult(events, throughput, raw, _pct(lat, 50), _pct(lat, 99), drain, drain_n,
                           len(produced - set(at_center)),
                           len(at_center) - len(set(at_center)), rate,
                           {"raw_paho": round(raw_cpu_us, 1), **cpu_us})


def _retained(port: int, topic: str) -> dict[str, Any]:
    """The retained JSON message on topic, or {}."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    got: dict[str, Any] = {}
    ready = threading.Event()

    def on_message(_c: Any, _u: Any, message: mqtt.MQTTMessage) -> None:
        with contextlib.suppress(ValueError):
            got.update(json.loads(message.payload))
        ready.set()

    client.on_message = on_message
    client.on_connect = lambda c, *_a: c.subscribe(topic, qos=1)
    client.connect("127.0.0.1", port)
    client.loop_start()
    ready.wait(1.0)
    client.disconnect()
    client.loop_stop()
    return got


def _gateway_online(port: int) -> bool:
    return _retained(port, topics.gateway_state(PROV, POST)).get("status") == "online"


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _epoch(iso: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def _pct(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, int(round(pct / 100 * (len(sorted_values) - 1))))
    return sorted_values[index]
