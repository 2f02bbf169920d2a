"""`chot bench flood`: one post's login floods valid batches beside a well-behaved post.

Everything runs as deployed: the shipped mosquitto configs (deploy/mosquitto/) with the
dynamic-security logins `chot broker access` generates, TLS towards both brokers, and `chot`
processes for the center (with the registry) and the calm post's gateway and kiosk
(`chot sim load`, the kiosk link's real journal). The flooding post is a plain MQTT client
logged in as its gateway, publishing valid 200-event batches as fast as the broker takes them.

Figures: the calm post's kiosk → center p99 before (`calm_p99_ms`) and during the flood
(`flood_p99_ms`), `lost` (calm events in the kiosk's journal missing at the center at the
end), `held_back` (events of the flooding post the center did not take in, from its own
counters), the flooding post's events stored and offered, and the peak resident memory
(VmHWM) of the center and of each broker.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from ulid import ULID

from center.broker_access import GATEWAY_ON_POST, center_access, post_access
from center.registry import Registry
from infra import topics
from infra.client_ids import gateway_client_id
from infra.polling import wait_until
from kiosk_ui.journal import Journal
from sim.bench.gateway import Processes, _epoch, _pct, _query, retained
from sim.broker import MosquittoBroker, TlsFiles
from sim.load import sample_makers
from sim.shipped_brokers import ShippedBroker, make_tls, password

PROV, CALM, FLOOD, KIOSK, CENTER = "01", "CALM", "FLOOD", "K1", "center-1"
BATCH_EVENTS = 200
FLOOD_WINDOW = 100  # QoS 1 batches the flooder keeps unacknowledged by the broker


@dataclass
class FloodResult:
    """The figures `chot bench flood` prints."""

    duration_s: float
    calm_rate: float
    calm_p99_ms: float
    flood_p99_ms: float
    calm_events: int
    lost: int
    held_back: int
    flood_offered: int
    flood_stored: int
    peak_rss_mb: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The last-line JSON object."""
        return {"duration_s": self.duration_s, "calm_rate": self.calm_rate,
                "calm_p99_ms": round(self.calm_p99_ms, 1),
                "flood_p99_ms": round(self.flood_p99_ms, 1),
                "ratio": round(self.flood_p99_ms / self.calm_p99_ms, 2)
                if self.calm_p99_ms else None,
                "calm_events": self.calm_events, "lost": self.lost,
                "held_back": self.held_back, "flood_offered": self.flood_offered,
                "flood_stored": self.flood_stored, "peak_rss_mb": self.peak_rss_mb}


def registry() -> Registry:
    """The bench province: a calm post and a flooding one, one kiosk each."""
    return Registry.model_validate({
        "province": PROV, "centers": [CENTER],
        "post": [{"code": CALM, "kiosks": [KIOSK]}, {"code": FLOOD, "kiosks": [KIOSK]}]})


def registry_toml() -> str:
    """The same registry as the TOML file the center reads."""
    posts = "".join(f'[[post]]\ncode = "{p}"\nkiosks = ["{KIOSK}"]\n' for p in (CALM, FLOOD))
    return f'province = "{PROV}"\ncenters = ["{CENTER}"]\n{posts}'


class FloodBatches:
    """Valid 200-event batches of one kiosk, each with fresh event ids."""

    def __init__(self, work: Path, post: str, kiosk: str) -> None:
        journal = Journal(work / f"flood-{post}-{kiosk}.db", post, kiosk)
        makers = sample_makers()
        events = journal.record_many([makers[i % len(makers)] for i in range(BATCH_EVENTS)])
        journal.close()
        self._parts = []
        for event in events:
            text = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
            before, _, after = text.partition(event["event_id"].encode())
            self._parts.append((before, after))

    def next(self) -> bytes:
        """One batch message, as a gateway sends it."""
        body = b",".join(before + str(ULID()).encode() + after
                         for before, after in self._parts)
        return b'{"schema":1,"type":"batch","events":[' + body + b"]}"


class Flooder:
    """A post's gateway login over TLS publishing batches of one kiosk, in a process of its
    own (as a hostile gateway is: its CPU is not the measuring process's) until stopped."""

    def __init__(self, port: int, tls: TlsFiles | None, secret: str, work: Path,
                 prov: str = PROV, post: str = FLOOD, kiosk: str = KIOSK) -> None:
        context = multiprocessing.get_context("spawn")
        self._sent = context.Value("q", 0)
        self._stop = context.Event()
        self._ready = context.Event()
        self._process = context.Process(
            target=_flood, name="flooder", daemon=True,
            args=(port, str(tls.ca_file) if tls else None, secret, str(work), prov, post,
                  kiosk, self._sent, self._stop, self._ready))

    @property
    def sent(self) -> int:
        """Events published so far (200 a batch)."""
        return int(self._sent.value)

    def start(self) -> None:
        """Start flooding (once the login is connected)."""
        self._process.start()
        if not self._ready.wait(30):
            raise RuntimeError("the flooder did not connect")

    def stop(self) -> None:
        """Stop and disconnect."""
        self._stop.set()
        self._process.join(30)
        if self._process.is_alive():
            self._process.kill()


def _flood(port: int, ca_file: str | None, secret: str, work: str, prov: str, post: str, kiosk: str,
           sent: Any, stop: Any, ready: Any) -> None:
    """The flooder's process: publish QoS 1 batches, FLOOD_WINDOW unacknowledged at most."""
    batches = FloodBatches(Path(work), post, kiosk)
    topic = topics.kiosk_events(prov, post, kiosk)
    room = threading.Semaphore(FLOOD_WINDOW)
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=gateway_client_id(post),
                         protocol=mqtt.MQTTv5)
    client.username_pw_set(post, secret)
    if ca_file is not None:
        client.tls_set(ca_certs=ca_file)
    client.max_inflight_messages_set(0)
    client.max_queued_messages_set(0)
    client.on_publish = lambda *_args: room.release()
    client.on_connect = lambda *_args: ready.set()
    client.connect("127.0.0.1", port)
    client.loop_start()
    while not stop.is_set():
        if room.acquire(timeout=0.5):
            client.publish(topic, batches.next(), qos=1)
            with sent.get_lock():
                sent.value += BATCH_EVENTS
    client.disconnect()
    client.loop_stop()


def _section(name: str, port: int, username: str, tls: TlsFiles | None) -> str:
    text = (f'[{name}]\nhost = "127.0.0.1"\nport = {port}\nkeepalive_s = 10\n'
            f'reconnect_min_s = 0.2\nreconnect_max_s = 1.0\nusername = "{username}"\n'
            f'password = "{password(username)}"\n')
    return text + (f'[{name}.tls]\nca_file = "{tls.ca_file}"\n' if tls else "")


def _write_configs(work: Path, tls: TlsFiles, center: ShippedBroker,
                   post: ShippedBroker) -> None:
    (work / "registry.toml").write_text(registry_toml())
    (work / "center.toml").write_text(
        f'province = "{PROV}"\ninstance = "{CENTER}"\nregistry = "{work / "registry.toml"}"\n'
        f'[store]\npath = "{work / "center.db"}"\n'
        + _section("broker", center.port, CENTER, None))
    (work / "gateway.toml").write_text(
        f'province = "{PROV}"\npost = "{CALM}"\nstate_interval_s = 1.0\n'
        f'[outbox]\npath = "{work / "outbox.db"}"\n'
        + _section("post_broker", post.port, GATEWAY_ON_POST, None)
        + _section("center_broker", center.tls_port, CALM, tls))
    (work / "kiosk.toml").write_text(
        f'province = "{PROV}"\npost = "{CALM}"\nkiosk = "{KIOSK}"\nstate_interval_s = 1.0\n'
        f'[journal]\npath = "{work / "kiosk.db"}"\n'
        + _section("broker", post.tls_port, KIOSK, tls))


def _peak_rss_mb(pid: int | None) -> float:
    """A process's peak resident memory (VmHWM) in MB, 0 when it is gone."""
    if pid is None:
        return 0.0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def _gateway_online(port: int) -> bool:
    state = retained(port, topics.gateway_state(PROV, CALM), (CENTER, password(CENTER)),
                     client_id=f"{CENTER}-bench")
    return state.get("status") == "online"


def _last_json(log: Path) -> dict[str, Any]:
    for line in reversed(log.read_text(errors="replace").splitlines()):
        with contextlib.suppress(ValueError):
            data = json.loads(line)
            if isinstance(data, dict):
                return data
    return {}


def run_flood(duration_s: float = 60.0, calm_s: float = 20.0, rate: float = 20.0,
              keep: Path | None = None) -> FloodResult:
    """Calm for `calm_s`, then the flood for `duration_s`, the calm post sending throughout."""
    work = Path(tempfile.mkdtemp(prefix="chot-flood-")) if keep is None else keep
    work.mkdir(parents=True, exist_ok=True)
    try:
        return _run(work, duration_s, calm_s, rate)
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


def _run(work: Path, duration_s: float, calm_s: float, rate: float) -> FloodResult:
    tls = make_tls(work / "tls")
    access = registry()
    center, post = ShippedBroker("center", work, tls), ShippedBroker("post", work, tls)
    procs = Processes(work)
    center_db = work / "center.db"
    brokers = {"center_broker": center.start(MosquittoBroker, center_access(access)),
               "post_broker": post.start(MosquittoBroker, post_access(access, CALM))}
    with brokers["center_broker"], brokers["post_broker"]:
        _write_configs(work, tls, center, post)
        flooder = None
        try:
            procs.start("center", "center", "--config", str(work / "center.toml"), "--headless")
            procs.start("gateway", "gateway", "--config", str(work / "gateway.toml"))
            wait_until(lambda: center_db.exists(), 30)
            wait_until(lambda: _gateway_online(center.port), 30, step=0.2)
            calm_total = int(rate * (calm_s + duration_s + 2))
            procs.start("kiosk", "sim", "load", "--config", str(work / "kiosk.toml"),
                        "--events", str(calm_total), "--rate", str(rate), "--wait", "120")
            # The calm phase counts from the calm post's first event at the center (the
            # kiosk's process takes a while to start on a busy machine).
            wait_until(lambda: bool(_query(center_db, f"SELECT 1 FROM events WHERE post = '{CALM}'"
                                                 " LIMIT 1")), 60, step=0.1)
            time.sleep(calm_s)
            flooder = Flooder(center.tls_port, tls, password(FLOOD), work)
            flood_from = time.time()
            flooder.start()
            time.sleep(duration_s)
            flooder.stop()
            flood_until = time.time()
            journal_ids = lambda: {r[0] for r in _query(  # noqa: E731
                work / "kiosk.db", "SELECT event_id FROM events")}
            stored_ids = lambda: {r[0] for r in _query(  # noqa: E731
                center_db, f"SELECT event_id FROM events WHERE post = '{CALM}'")}
            wait_until(lambda: len(journal_ids()) >= calm_total and journal_ids() <= stored_ids(),
                  120, step=0.5)
            rss = {"center": _peak_rss_mb(procs.pid("center")),
                   **{name: _peak_rss_mb(broker.pid) for name, broker in brokers.items()}}
        finally:
            procs.stop_all()
        rows = _query(center_db, f"SELECT received_at, at FROM events WHERE post = '{CALM}'")
        latencies = [((received - _epoch(at)) * 1000, _epoch(at)) for received, at in rows]
        calm = sorted(ms for ms, at in latencies if at < flood_from)
        flooded = sorted(ms for ms, at in latencies if flood_from <= at < flood_until)
        counters = _last_json(work / "center.log")
        return FloodResult(
            duration_s, rate, _pct(calm, 99), _pct(flooded, 99), len(journal_ids()),
            len(journal_ids() - stored_ids()), int(counters.get("held_back", -1)),
            flooder.sent if flooder else 0,
            int(_query(center_db, f"SELECT count(*) FROM events WHERE post = '{FLOOD}'")[0][0]),
            rss)
