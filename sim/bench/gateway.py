"""`chot bench gateway`: the durable relay beside its two fair baselines, in one run.

Every component runs as its own process on fresh mosquitto brokers, as deployed: kiosk link
(`chot sim load`) → post broker → `chot gateway` → uplink proxy → provincial broker →
`chot center --headless`. All three phases carry the same events, batched as the senders
batch them (sim.bench.baselines), and every rate runs from the first send to the moment the
last event is seen committed (polled in the store, not the center's per-batch received_at):

- raw_paho_batched_per_s: one paho client set up as the uplink publishing those messages
  with QoS 1 to a broker, nothing durable: the transport's ceiling;
- bridge_per_s: a persistent mosquitto bridge from a post broker to a center broker and a
  subscriber committing to SQLite before its PUBACK: what a user would pick instead;
- events_per_s: a kiosk journal holding N events streams them through the running relay
  (gateway outbox commit before each PUBACK, QoS 1 upstream, center checks and commit);
- cpu_us_per_event: CPU per event of every process on each path (brokers included; the
  sending kiosk or publisher left out), and each path's total;
- p50_ms / p99_ms: event time (set when the kiosk commits it) to center commit, at a paced
  rate (100 events/s by default), once the center has digested the throughput phase;
- backlog phase: with the uplink cut, `backlog` events pile up in the gateway's outbox; then
  drain_s (uplink back → the center holds them all), resent_during_drain (the gateway's
  resent counter), peak_mb (VmHWM of the gateway and the center over the whole run) and
  outbox_mb (the outbox file with its WAL, full and after the drain);
- lost: events in the kiosks' journals missing from the center store (bridge_lost: from the
  bridge's SQLite).
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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from infra import topics
from infra.polling import wait_until
from kiosk_ui.journal import Journal
from sim.bench.baselines import (
    Message,
    batched_messages,
    bridge_config,
    first_message_at,
    publish_all,
    wait_count,
)
from sim.broker import MosquittoBroker
from sim.load import sample_makers
from sim.uplink import Uplink

PROV, POST = "01", "BENCH"
WINDOW = 1000  # events unacknowledged by the broker, as the shipped configs set


@dataclass
class BenchResult:
    """The figures `chot bench gateway` prints."""

    events: int
    events_per_s: float
    raw_paho_batched_per_s: float
    bridge_per_s: float
    p50_ms: float
    p99_ms: float
    drain_s: float
    backlog: int
    lost: int
    doubled: int
    bridge_lost: int
    latency_rate: float
    cpu_us_per_event: dict[str, dict[str, float]]
    drain: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """The last-line JSON object."""
        return {"events": self.events, "events_per_s": round(self.events_per_s, 1),
                "raw_paho_batched_per_s": round(self.raw_paho_batched_per_s, 1),
                "bridge_per_s": round(self.bridge_per_s, 1),
                "vs_bridge": round(self.events_per_s / self.bridge_per_s, 3)
                if self.bridge_per_s else None,
                "cpu_us_per_event": self.cpu_us_per_event,
                "p50_ms": round(self.p50_ms, 2), "p99_ms": round(self.p99_ms, 2),
                "latency_rate": self.latency_rate, "backlog": self.backlog,
                "drain_s": round(self.drain_s, 2), **self.drain,
                "lost": self.lost, "doubled": self.doubled, "bridge_lost": self.bridge_lost}


class Processes:
    """The chot processes of one bench run; all terminated at the end."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        """Start `python -m chot args…` with its output in name.log."""
        return self.start_module(name, "chot", *args)

    def start_module(self, name: str, module: str, *args: str) -> subprocess.Popen[bytes]:
        """Start `python -m module args…` with its output in name.log."""
        with open(self.workdir / f"{name}.log", "ab") as log:
            proc = subprocess.Popen([sys.executable, "-m", module, *args], stdout=log,
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
              backlog: int | None = None, timeout_s: float = 900.0,
              keep: Path | None = None) -> BenchResult:
    """Run every phase on fresh brokers in a temp dir and return the figures."""
    work = Path(tempfile.mkdtemp(prefix="chot-bench-")) if keep is None else keep
    work.mkdir(parents=True, exist_ok=True)
    try:
        return _run(work, events, latency_events, rate,
                    events if backlog is None else backlog, timeout_s)
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


def _per_event(cpu_s: dict[str, float], events: int) -> dict[str, float]:
    """CPU µs per event of each part, and their total."""
    figures = {name: round(seconds / events * 1e6, 1) for name, seconds in cpu_s.items()}
    return {**figures, "total": round(sum(cpu_s.values()) / events * 1e6, 1)}


def _cpu_of(pids: dict[str, int | None]) -> dict[str, float]:
    return {name: _cpu_s(pid) if pid else 0.0 for name, pid in pids.items()}


def _since(before: dict[str, float], pids: dict[str, int | None]) -> dict[str, float]:
    now = _cpu_of(pids)
    return {name: now[name] - before[name] for name in pids}


def _baselines(work: Path, messages: list[Message], events: int,
               timeout_s: float) -> tuple[float, float, int, dict[str, dict[str, float]]]:
    """raw paho batched and the bridge on brokers of their own: (raw/s, bridge/s, bridge
    events missing, CPU µs per event of each)."""
    with MosquittoBroker(workdir=work / "raw-broker") as broker:
        pids = {"broker": broker.pid}
        before, cpu_before = _cpu_of(pids), time.process_time()
        start, end = publish_all(broker.port, messages, WINDOW, "chot-bench-raw", timeout_s)
        raw_cpu = {"client": time.process_time() - cpu_before, **_since(before, pids)}
    raw = events / max(end - start, 1e-6)
    with MosquittoBroker(workdir=work / "bridge-center") as center, \
            MosquittoBroker(workdir=work / "bridge-post",
                            extra_config=bridge_config(center.port)) as post:
        sink_db = work / "bridge.db"
        procs = Processes(work)
        try:
            procs.start_module("sink", "sim.bench.bridge_sink", str(center.port), str(sink_db))
            wait_count(sink_db, "events", 0, 30)
            time.sleep(1.0)  # the sink subscribed and the bridge connected
            pids = {"post_broker": post.pid, "center_broker": center.pid,
                    "sink": procs.pid("sink")}
            before = _cpu_of(pids)
            start, _acked = publish_all(post.port, messages, WINDOW, "chot-bench-bridge-pub",
                                        timeout_s)
            committed = wait_count(sink_db, "events", events, timeout_s)
            bridge_cpu = _since(before, pids)
        finally:
            procs.stop_all()
    bridge = events / (committed - start) if committed else 0.0
    missing = events - _count(sink_db, "SELECT count(*) FROM events")
    return raw, bridge, missing, {"raw_paho_batched": _per_event(raw_cpu, events),
                                  "bridge": _per_event(bridge_cpu, events)}


def _run(work: Path, events: int, latency_events: int, rate: float, backlog: int,
         timeout_s: float) -> BenchResult:
    # The throughput journal first: the baselines send its very events, batched as sent.
    _prerecord(work / "K1.db", "K1", events)
    messages = batched_messages(work / "K1.db", POST, "K1")
    raw, bridge, bridge_lost, cpu = _baselines(work, messages, events, timeout_s)
    with MosquittoBroker(workdir=work / "post-broker") as post, \
            MosquittoBroker(workdir=work / "center-broker") as center, \
            Uplink("127.0.0.1", center.port) as uplink:
        _write_configs(work, post.port, uplink.port, center.port)
        procs = Processes(work)
        center_db = work / "center.db"
        stored = lambda: _count(center_db, "SELECT count(*) FROM events")  # noqa: E731
        try:
            procs.start("center", "center", "--config", str(work / "center.toml"),
                        "--headless")
            procs.start("gateway", "gateway", "--config", str(work / "gateway.toml"))
            wait_until(lambda: center_db.exists(), 30)
            wait_until(lambda: _gateway_online(center.port), 30, step=0.2)

            # A kiosk journal full of events streams through the running relay. (Queueing
            # them at the post broker first would measure mosquitto's slow long queues.)
            pids = {"gateway": procs.pid("gateway"), "center": procs.pid("center"),
                    "post_broker": post.pid, "center_broker": center.pid}
            before = _cpu_of(pids)
            first_sent = first_message_at(post.port, topics.all_kiosk_events(PROV, POST))
            procs.start("k1", "sim", "load", "--config", str(work / "K1.toml"), "--events",
                        "0", "--wait", str(timeout_s))
            last_commit = wait_count(center_db, "events", events, timeout_s)
            start = first_sent()
            throughput = events / (last_commit - start) if last_commit and start else 0.0
            cpu["relay"] = _per_event(_since(before, pids), events)

            # The center is still writing the backlog's arrival notices and ward counts
            # after the last event is in; a latency run started now measured that queue.
            _wait_idle(pids["center"] or 0, timeout_s)
            before_n = stored()
            procs.start("k2", "sim", "load", "--config", str(work / "K2.toml"), "--events",
                        str(latency_events), "--rate", str(rate), "--wait", "60")
            wait_until(lambda: stored() >= before_n + latency_events, timeout_s)
            lat = sorted(
                (row[0] - _epoch(row[1])) * 1000 for row in _query(
                    center_db, "SELECT received_at, at FROM events WHERE kiosk='K2'"))

            drain_s, drain = _drain(work, procs, uplink, center.port, stored, backlog,
                                    timeout_s)
        finally:
            procs.stop_all()
        produced = set()
        for kiosk in ("K1", "K2", "K3"):
            produced |= {r[0] for r in _query(work / f"{kiosk}.db", "SELECT event_id FROM events")}
        at_center = [r[0] for r in _query(center_db, "SELECT event_id FROM events")]
        return BenchResult(events, throughput, raw, bridge, _pct(lat, 50), _pct(lat, 99),
                           drain_s, backlog, len(produced - set(at_center)),
                           len(at_center) - len(set(at_center)), bridge_lost, rate, cpu, drain)


def _drain(work: Path, procs: Processes, uplink: Uplink, center_port: int,
           stored: Callable[[], int], backlog: int,
           timeout_s: float) -> tuple[float, dict[str, Any]]:
    """With the uplink cut, `backlog` events pile up in the outbox; then the uplink returns.
    Returns the drain's seconds and its costs: resent events, peak memory, outbox size."""
    _prerecord(work / "K3.db", "K3", backlog)
    resent_before = _resent(center_port)
    uplink.cut()
    total = stored() + backlog
    procs.start("k3", "sim", "load", "--config", str(work / "K3.toml"), "--events",
                "0", "--wait", str(timeout_s))
    wait_until(lambda: _count(work / "outbox.db", "SELECT count(*) FROM outbox") >= backlog,
          timeout_s, step=0.5)
    outbox_full = _file_mb(work / "outbox.db")
    uplink.restore()
    start = time.perf_counter()
    wait_until(lambda: stored() >= total, timeout_s, step=0.05)
    drain_s = time.perf_counter() - start
    # The gateway gives the outbox's space back within seconds of the drain (Outbox.reclaim).
    wait_until(lambda: _file_mb(work / "outbox.db") < outbox_full / 2, 20.0, step=0.5)
    time.sleep(1.0)  # one more state message carries the final counters
    return drain_s, {
        "resent_during_drain": _resent(center_port) - resent_before,
        "peak_mb": {name: _peak_mb(procs.pid(name)) for name in ("gateway", "center")},
        "outbox_mb": {"full": round(outbox_full, 1),
                      "after_drain": round(_file_mb(work / "outbox.db"), 1)}}


def _resent(center_port: int) -> int:
    """The gateway's count of events sent again, from its retained state."""
    state = retained(center_port, topics.gateway_state(PROV, POST))
    return int(state.get("uplink", {}).get("resent", 0))


def _peak_mb(pid: int | None) -> float | None:
    """A running process's peak resident memory (VmHWM) in MB."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def _file_mb(path: Path) -> float:
    """A SQLite file's size with its WAL, in MB."""
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists()) / 2**20


def retained(port: int, topic: str, login: tuple[str, str] | None = None,
             client_id: str = "") -> dict[str, Any]:
    """The retained JSON message on topic (read with `login`, username and password), or {}."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                         protocol=mqtt.MQTTv5)
    if login is not None:
        client.username_pw_set(*login)
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
    return retained(port, topics.gateway_state(PROV, POST)).get("status") == "online"


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
