"""`chot sim run`: a scenario played in real time against the real processes, then checked.

Per run: a center broker (mosquitto), the center ingest, and per post a post broker, an
uplink proxy and a gateway; per kiosk a headless kiosk process with its devices simulated
here (QR reader and thermometer on ptys, camera as MJPEG). Travellers step up at each kiosk
as the scenario's arrival rates say, one at a time; faults happen on the timeline. At the end
the center's store is compared with the ground truth (sim/verify.py).
"""

from __future__ import annotations

import heapq
import json
import random
import shutil
import sqlite3
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from screening.identity import Identity
from screening.policy import policy_body
from sim.broker import MosquittoBroker
from sim.camera import MjpegServer, VirtualCamera
from sim.components import Component, chot_argv, write_toml
from sim.kiosk_node import KioskNodeConfig, travel_to_json
from sim.qr_reader_device import QrReaderDevice
from sim.render import Motion
from sim.scenario import Fault, Post, Scenario
from sim.travellers import Issuers, Kind, Traveller, TravellerFactory, expected_verdict
from sim.uplink import Uplink
from sim.verify import RunReport, Stored, Truth, compare

STEP_UP_S = 0.5  # the traveller steps up and the thermometer reads before the code comes up
READER_SERVICE_S = 1.5
MANUAL_SERVICE_S = 3.0
CAMERA_GAP_S = 0.3
SENSOR_GUARD_BEFORE_S = 2.0  # no traveller steps up this close before a plug change…
SENSOR_SETTLE_MAX_S = 20.0  # …nor after it until the kiosk sees readings stop / come back
BOOT_TIMEOUT_S = 30.0
MIN_RESTART_S = 1.0

Log = Callable[[str], None]


@dataclass
class KioskRig:
    """One kiosk: its process and the devices simulated in front of it."""

    post: Post
    name: str
    node: Component
    reader: QrReaderDevice | None = None
    camera: VirtualCamera | None = None
    stream: MjpegServer | None = None
    thermometer: Any = None  # sim.thermometer_node.SimulatedThermometer
    plugged: bool = True
    readings_at_kiosk: bool | None = None  # as the kiosk last reported its thermometer
    settle_until: float = 0.0  # timeline seconds; arrivals wait while a plug change settles
    queue: deque[Traveller] = field(default_factory=deque)  # waiting in line
    busy: bool = False  # a traveller is being served
    down: bool = False
    ui: bool = False  # staff decide here: no ground truth is kept for this kiosk
    ready: threading.Event = field(default_factory=threading.Event)
    guards: list[tuple[float, float]] = field(default_factory=list)

    @property
    def label(self) -> str:
        """post/kiosk, as events and reports name it."""
        return f"{self.post.id}/{self.name}"

    def guarded(self, t: float) -> bool:
        """True when t is just before a thermometer plug change: nobody steps up then."""
        return any(begin <= t < end for begin, end in self.guards)


@dataclass
class PostRig:
    """One post: its broker, uplink proxy and gateway."""

    post: Post
    broker: MosquittoBroker
    uplink: Uplink
    gateway: Component


@dataclass(frozen=True)
class RunOptions:
    """How to run a scenario: shortened duration, camera frame size, where to keep files."""

    duration_s: float | None = None
    camera_width: int = 1280
    camera_height: int = 720
    workdir: Path | None = None
    keep: bool = False
    decode_engine: str = "zxing"
    ui: bool = False  # the first kiosk is the staff UI (`chot kiosk`) in the foreground


class Runner:
    """Plays one scenario; `run()` returns the report."""

    def __init__(self, scenario: Scenario, options: RunOptions = RunOptions(),
                 log: Log = lambda _m: None) -> None:
        if options.duration_s is not None:
            scenario = scenario.shortened(options.duration_s)
        self.scenario, self.options, self.log = scenario, options, log
        self.policy = scenario.build_policy()
        self.province = self.policy.province
        self.issuers = Issuers.generate()
        self.factory = TravellerFactory(self.policy, scenario.mix.mix(), self.issuers,
                                        scenario.seed)
        self.rng = random.Random(scenario.seed * 7919)
        self.dir = Path(options.workdir or tempfile.mkdtemp(prefix="chot-sim-"))
        self.dir.mkdir(parents=True, exist_ok=True)
        self.truth: list[Truth] = []
        self.verdict_times: dict[str, float] = {}
        self.faults_applied: list[str] = []
        self.kiosks: list[KioskRig] = []
        self.posts: list[PostRig] = []
        self.center_broker: MosquittoBroker | None = None
        self.center: Component | None = None
        self._events: list[tuple[float, int, Callable[[], object]]] = []
        self._order = 0
        self._t0 = 0.0
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="sim-device")
        self._lock = threading.Lock()

    def run(self) -> RunReport:
        """Start everything, play the timeline, drain, check; always cleans up."""
        try:
            self._start()
            self._play()
            self._drain()
            self._stop_processes()
            return self._check()
        finally:
            self._shutdown()

    def now(self) -> float:
        """Seconds on the scenario's timeline."""
        return time.monotonic() - self._t0

    def at(self, t: float, action: Callable[[], object]) -> None:
        """Do action at timeline second t."""
        self._order += 1
        heapq.heappush(self._events, (t, self._order, action))

    def _start(self) -> None:
        self._write_trust()
        self.center_broker = MosquittoBroker(workdir=self.dir / "center-broker").start()
        center_cfg = write_toml(self.dir / "center.toml", {
            "province": self.province, "instance": "center-sim",
            "store": {"path": str(self.dir / "center.sqlite")},
            "broker": {"host": "127.0.0.1", "port": self.center_broker.port,
                       "client_id": "center-sim", "reconnect_max_s": 2.0}})
        self.center = Component("center", chot_argv("center", "--config", str(center_cfg),
                                                    "--headless"),
                                self.dir / "center.log").start()
        for post in self.scenario.posts:
            self.posts.append(self._start_post(post))
        for post_rig in self.posts:
            for index in range(post_rig.post.kiosks):
                self.kiosks.append(self._start_kiosk(post_rig, index))
        deadline = time.monotonic() + BOOT_TIMEOUT_S
        for kiosk in self.kiosks:
            if not kiosk.ready.wait(max(0.0, deadline - time.monotonic())):
                raise RuntimeError(f"kiosk {kiosk.label} did not start; see {self.dir}")
        self.log(f"started: {len(self.posts)} posts, {len(self.kiosks)} kiosks in {self.dir}")

    def _write_trust(self) -> None:
        (self.dir / "issuer.pub").write_bytes(self.issuers.trusted.public.to_pem())
        (self.dir / "policy.json").write_text(
            json.dumps(policy_body(self.policy), ensure_ascii=False), "utf-8")

    def _start_post(self, post: Post) -> PostRig:
        assert self.center_broker is not None
        broker = MosquittoBroker(workdir=self.dir / f"broker-{post.id}").start()
        uplink = Uplink("127.0.0.1", self.center_broker.port)
        config = write_toml(self.dir / f"gateway-{post.id}.toml", {
            "province": self.province, "post": post.id,
            "outbox": {"path": str(self.dir / f"outbox-{post.id}.sqlite")},
            "post_broker": {"host": "127.0.0.1", "port": broker.port, "reconnect_max_s": 2.0},
            # Reconnect backoff capped low so a shortened run sees the uplink come back.
            "center_broker": {"host": "127.0.0.1", "port": uplink.port,
                              "reconnect_max_s": 3.0, "keepalive_s": 5}})
        gateway = Component(f"gateway-{post.id}", chot_argv("gateway", "--config", str(config)),
                            self.dir / f"gateway-{post.id}.log").start()
        return PostRig(post, broker, uplink, gateway)

    def _start_kiosk(self, post_rig: PostRig, index: int) -> KioskRig:
        post = post_rig.post
        name = f"k{index + 1}"
        label = f"{post.id}-{name}"
        if self.options.ui and not self.kiosks:
            return self._start_ui_kiosk(post_rig, name, label)
        uses_camera = index < post.camera_kiosks
        rig = KioskRig(post, name, node=None)  # type: ignore[arg-type]
        node_cfg: dict[str, Any] = {}
        if uses_camera:
            rig.camera = VirtualCamera(self.options.camera_width, self.options.camera_height,
                                       seed=self.scenario.seed + index)
            rig.stream = MjpegServer(rig.camera).start()
            node_cfg["camera_url"] = rig.stream.url
            node_cfg["decode_engine"] = self.options.decode_engine
        else:
            rig.reader = QrReaderDevice(link=self.dir / f"reader-{label}")
            node_cfg["reader_port"] = rig.reader.port
        if post.thermometer:
            from sim.thermometer_node import SimulatedThermometer

            rig.thermometer = SimulatedThermometer(link_path=self.dir / f"thermo-{label}")
            node_cfg["thermometer_port"] = rig.thermometer.start()
        cfg = KioskNodeConfig(province=self.province, post=post.id, kiosk=name,
                              journal_path=self.dir / f"journal-{label}.sqlite",
                              broker_port=post_rig.broker.port,
                              policy_file=self.dir / "policy.json",
                              issuer_keys=[self.dir / "issuer.pub"], **node_cfg)
        cfg_path = self.dir / f"kiosk-{label}.json"
        cfg_path.write_text(cfg.model_dump_json(), "utf-8")
        rig.node = Component(f"kiosk-{label}", _python_m("sim.kiosk_node", str(cfg_path)),
                             self.dir / f"kiosk-{label}.log",
                             on_line=lambda line: self._kiosk_said(rig, line), stdin=True)
        rig.node.start()
        return rig

    def _start_ui_kiosk(self, post_rig: PostRig, name: str, label: str) -> KioskRig:
        """The staff UI as a kiosk of the post: camera, reader and thermometer simulated."""
        from sim.thermometer_node import SimulatedThermometer

        post = post_rig.post
        rig = KioskRig(post, name, node=None, ui=True)  # type: ignore[arg-type]
        rig.camera = VirtualCamera(self.options.camera_width, self.options.camera_height,
                                   seed=self.scenario.seed)
        rig.stream = MjpegServer(rig.camera).start()
        rig.thermometer = SimulatedThermometer(link_path=self.dir / f"thermo-{label}")
        config = write_toml(self.dir / f"kiosk-{label}.toml", {
            "post": post.id, "kiosk": name,
            "policy": {"file": str(self.dir / "policy.json"),
                       "trust": [str(self.dir / "issuer.pub")]},
            "camera": {"sources": [rig.stream.url], "engine": self.options.decode_engine,
                       "preview": True},
            "thermometer": {"port": rig.thermometer.start()},
            "journal": {"path": str(self.dir / f"journal-{label}.sqlite")},
            "gateway": {"host": "127.0.0.1", "port": post_rig.broker.port,
                        "province": self.province}})
        rig.node = Component(f"kiosk-{label}", chot_argv("kiosk", "--config", str(config)),
                             self.dir / f"kiosk-{label}.log", foreground=True).start()
        rig.ready.set()
        return rig

    def _kiosk_said(self, rig: KioskRig, line: str) -> None:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            return
        if record.get("ready"):
            rig.ready.set()
        elif "thermometer" in record:
            rig.readings_at_kiosk = bool(record["thermometer"])
        elif record.get("key"):
            with self._lock:
                self.verdict_times.setdefault(record["key"], record["verdict_at"])

    def _play(self) -> None:
        duration = self.scenario.duration_s
        self._t0 = time.monotonic()
        for rig in self.kiosks:
            self._arrive_at(rig, self._gap(rig.post, 0.0))
        for fault in self.scenario.faults:
            self._schedule_fault(fault)
        last_note = 0.0
        while self._events and not self._ui_closed():
            t, _, action = self._events[0]
            wait = t - self.now()
            if wait > 0:
                time.sleep(min(wait, 0.05))
                continue
            heapq.heappop(self._events)
            action()
            if self.now() - last_note >= 10:
                last_note = self.now()
                self.log(f"[{self.now():6.1f}s / {duration:.0f}s] travellers {len(self.truth)}")
        self.log(f"timeline done at {self.now():.1f}s: {len(self.truth)} travellers")

    def _arrive_at(self, rig: KioskRig, t: float) -> None:
        if t <= self.scenario.duration_s:
            self.at(t, lambda: self._arrive(rig))

    def _ui_closed(self) -> bool:
        return any(rig.ui and not rig.node.alive for rig in self.kiosks)

    def _gap(self, post: Post, t: float) -> float:
        rate = post.rate_at(t)
        if rate <= 0:
            later = [r.from_s for r in post.arrivals if r.from_s > t]
            return later[0] if later else self.scenario.duration_s + 1
        return t + self.rng.expovariate(rate / 60.0)

    def _arrive(self, rig: KioskRig) -> None:
        """A traveller joins the kiosk's line; served at once if the kiosk is idle."""
        t = self.now()
        rig.queue.append(self.factory.next(datetime.now(UTC)))
        if not rig.busy:
            rig.busy = True
            self._serve_next(rig)
        self._arrive_at(rig, self._gap(rig.post, t))

    def _serve_next(self, rig: KioskRig) -> None:
        """The next in line steps up, unless the kiosk is down or its thermometer settling."""
        t = self.now()
        if not rig.queue:
            rig.busy = False
            return
        if rig.down or rig.guarded(t) or self._settling(rig, t):
            self.at(t + 0.25, lambda: self._serve_next(rig))
            return
        traveller = rig.queue.popleft()
        self._step_up(rig, traveller)
        self.at(t + self._service_s(rig, traveller), lambda: self._serve_next(rig))

    def _settling(self, rig: KioskRig, t: float) -> bool:
        if t >= rig.settle_until:
            return False
        if rig.readings_at_kiosk is rig.plugged:
            rig.settle_until = 0.0
            return False
        return True

    def _service_s(self, rig: KioskRig, traveller: Traveller) -> float:
        if traveller.code is None:
            return STEP_UP_S + MANUAL_SERVICE_S
        if rig.camera is not None:
            return STEP_UP_S + Motion().total_s + CAMERA_GAP_S
        return STEP_UP_S + READER_SERVICE_S

    def _step_up(self, rig: KioskRig, traveller: Traveller) -> None:
        measured = None
        if rig.thermometer is not None and rig.plugged:
            rig.thermometer.thermometer.object_c = traveller.body_temp_c
            measured = traveller.body_temp_c
        if traveller.kind is Kind.CCCD and not rig.ui:
            # Staff type the CCCD holder's travel; the kiosk takes it when the card is read.
            rig.node.send({"staff_travel": travel_to_json(traveller.travel),
                           "id_number": traveller.key})
        expected = expected_verdict(traveller, self.policy, measured)
        self.at(self.now() + STEP_UP_S, lambda: self._show(rig, traveller, expected))

    def _show(self, rig: KioskRig, traveller: Traveller, expected: Any) -> None:
        if rig.ui:
            # Staff at the UI decide (and type for CCCD holders): nothing to check against.
            if traveller.code is not None and rig.camera is not None:
                rig.camera.present(traveller.code, traveller.on_paper)
            return
        if traveller.code is None:
            source, shown_at = "manual", time.time()
            rig.node.send({"manual": travel_to_json(traveller.travel),
                           "identity": _identity_json(traveller.identity)})
        elif rig.camera is not None:
            source = "camera"
            shown_at = rig.camera.present(traveller.code, traveller.on_paper).steady_at
        else:
            assert rig.reader is not None
            source, shown_at = "reader", time.time()
            self._pool.submit(rig.reader.scan, traveller.code)
        self.truth.append(Truth(traveller.key, rig.label, str(traveller.kind), expected,
                                shown_at, source))

    def _schedule_fault(self, fault: Fault) -> None:
        end = fault.at_s + max(fault.duration_s, MIN_RESTART_S)
        if fault.kind == "sensor_unplug":
            rig = self._kiosk(fault)
            rig.guards += [(fault.at_s - SENSOR_GUARD_BEFORE_S, fault.at_s),
                           (end - SENSOR_GUARD_BEFORE_S, end)]
        self.at(fault.at_s, lambda: self._fault(fault, end))

    def _fault(self, fault: Fault, end: float) -> None:
        kind, post = fault.kind, self._post(fault)
        self.faults_applied.append(f"{kind}@{self.now():.1f}s")
        self.log(f"[{self.now():6.1f}s] fault: {kind} {fault.post or ''} "
                 f"{'' if fault.kiosk is None else fault.kiosk}")
        if kind == "uplink_cut" and post:
            post.uplink.cut()
            self.at(end, post.uplink.restore)
        elif kind == "uplink_delay" and post:
            post.uplink.set_delay(fault.delay_ms / 1000)
            self.at(end, lambda: post.uplink.set_delay(0.0))
        elif kind == "uplink_drop" and post:
            post.uplink.drop()
        elif kind == "gateway_crash" and post:
            post.gateway.kill()
            self.at(end, post.gateway.start)
        elif kind == "broker_restart" and self.center_broker is not None:
            self.center_broker.kill()
            self.at(end, self.center_broker.start)
        elif kind == "kiosk_crash":
            self._crash_kiosk(self._kiosk(fault), end - fault.at_s)
        elif kind == "sensor_unplug":
            rig = self._kiosk(fault)
            rig.plugged = False
            rig.settle_until = self.now() + SENSOR_SETTLE_MAX_S
            rig.thermometer.unplug()
            self.at(end, lambda: self._replug(rig))

    def _replug(self, rig: KioskRig) -> None:
        rig.thermometer.plug_in()
        rig.plugged = True
        rig.settle_until = self.now() + SENSOR_SETTLE_MAX_S

    def _crash_kiosk(self, rig: KioskRig, downtime: float) -> None:
        if rig.busy:
            # A traveller is being served: crash between travellers, not mid-verdict.
            self.at(self.now() + 0.2, lambda: self._crash_kiosk(rig, downtime))
            return
        rig.down = True
        rig.ready.clear()
        rig.node.kill()

        def restart() -> None:
            rig.node.start()
            self._pool.submit(self._wait_ready, rig)

        self.at(self.now() + downtime, restart)

    def _wait_ready(self, rig: KioskRig) -> None:
        rig.ready.wait(BOOT_TIMEOUT_S)
        rig.down = False

    def _kiosk(self, fault: Fault) -> KioskRig:
        return next(k for k in self.kiosks if k.post.id == fault.post
                    and k.name == f"k{(fault.kiosk or 0) + 1}")

    def _post(self, fault: Fault) -> PostRig | None:
        return next((p for p in self.posts if p.post.id == fault.post), None)

    def _drain(self) -> None:
        """Wait for the center to hold every journalled event (the timeline served everyone)."""
        time.sleep(1.0)  # the last verdicts are being committed
        deadline = time.monotonic() + self.scenario.drain_s
        while time.monotonic() < deadline:
            journalled = self._journal_ids()
            stored = {row.event["event_id"] for row in self._stored()}
            keys = {str((row.event.get("identity") or {}).get("id_number"))
                    for row in self._stored()}
            if journalled <= stored and all(t.key in keys for t in self.truth):
                break
            time.sleep(0.5)
        self.log(f"drained at {self.now():.1f}s")

    def _stop_processes(self) -> None:
        for rig in self.kiosks:
            rig.node.stop()
        for post in self.posts:
            post.gateway.stop()
        if self.center is not None:
            self.center.stop()

    def _check(self) -> RunReport:
        report = compare(self.truth, self._journal_ids(), self._stored(), self.verdict_times,
                         frozenset(rig.label for rig in self.kiosks if rig.ui))
        report.details.update({
            "scenario": self.scenario.name, "duration_s": self.scenario.duration_s,
            "posts": len(self.posts), "kiosks": len(self.kiosks),
            "faults": self.faults_applied})
        return report

    def _journal_ids(self) -> set[str]:
        ids: set[str] = set()
        for rig in self.kiosks:
            path = self.dir / f"journal-{rig.post.id}-{rig.name}.sqlite"
            ids |= {row[0] for row in _query(path, "SELECT event_id, payload FROM events")
                    if json.loads(row[1]).get("type") == "scan"}
        return ids

    def _stored(self) -> list[Stored]:
        rows = _query(self.dir / "center.sqlite",
                      "SELECT payload, received_at FROM events WHERE type = 'scan'")
        return [Stored(json.loads(payload), received_at) for payload, received_at in rows]

    def _shutdown(self) -> None:
        for rig in self.kiosks:
            if rig.node is not None:
                rig.node.kill()
            if rig.stream is not None:
                rig.stream.stop()
            if rig.reader is not None:
                rig.reader.close()
            if rig.thermometer is not None:
                rig.thermometer.stop()
        for post in self.posts:
            post.gateway.kill()
            post.uplink.close()
            post.broker.close()
        if self.center is not None:
            self.center.kill()
        if self.center_broker is not None:
            self.center_broker.close()
        self._pool.shutdown(wait=False, cancel_futures=True)
        if not self.options.keep:
            shutil.rmtree(self.dir, ignore_errors=True)


def _query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    if not path.exists():
        return []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        return db.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []  # not created yet
    finally:
        db.close()


def _identity_json(identity: Identity) -> dict[str, Any]:
    return identity.to_json()


def _python_m(module: str, *args: str) -> list[str]:
    import sys

    return [sys.executable, "-m", module, *args]


def run_scenario(scenario: Scenario, options: RunOptions = RunOptions(),
                 log: Log = lambda _m: None) -> RunReport:
    """Play a scenario and check it; see Runner."""
    return Runner(scenario, options, log).run()
