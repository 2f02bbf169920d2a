"""`chot sim run`: a scenario played in real time against the real processes, then checked.

Per run: a center broker (mosquitto), the center ingest, and per post a post broker, an
uplink proxy and a gateway; per kiosk a headless kiosk process with its devices simulated
here (QR reader and thermometer on ptys, camera as MJPEG; see sim/rigs.py). Travellers
line up at each kiosk as the scenario's arrival rates say; faults happen on the timeline. At
the end the center's store is compared with the ground truth (sim/verify.py).
"""

from __future__ import annotations

import heapq
import json
import random
import shutil
import signal
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from center.publish import Ledger, publish_retained
from infra import topics
from infra.config import BrokerConfig
from sim.broker import MosquittoBroker
from sim.components import Component, chot_argv, write_toml
from sim.render import Motion
from sim.rigs import KioskRig, PostRig, RigBuilder, RunOptions, write_signed_documents
from sim.scenario import Fault, Post, Scenario
from sim.staff import complete_certificate, complete_scanned, type_in
from sim.travellers import (
    STAFF_COMPLETES,
    Issuers,
    Traveller,
    TravellerFactory,
    expected_verdict,
)
from sim.verify import RunReport, Stored, Truth, compare

STEP_UP_S = 1.0  # the traveller steps up and is measured before the code comes up
READER_SERVICE_S = 1.5
MANUAL_SERVICE_S = 3.0
CAMERA_GAP_S = 0.3
SENSOR_GUARD_BEFORE_S = 2.0  # no traveller steps up this close before a plug change…
SENSOR_SETTLE_MAX_S = 20.0  # …nor after it until the kiosk sees readings stop / come back
BOOT_TIMEOUT_S = 60.0  # a kiosk process on a busy 2-core machine
MIN_RESTART_S = 1.0

Log = Callable[[str], None]


class Runner:
    """Plays one scenario; `run()` returns the report."""

    def __init__(self, scenario: Scenario, options: RunOptions | None = None,
                 log: Log = lambda _m: None) -> None:
        options = options or RunOptions()
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
        self.event_keys: dict[str, str] = {}  # event id → traveller, for events naming nobody
        self.faults_applied: list[str] = []
        self.kiosks: list[KioskRig] = []
        self.posts: list[PostRig] = []
        self.center_broker: MosquittoBroker | None = None
        self.center: Component | None = None
        self._events: list[tuple[float, int, Callable[[], object]]] = []
        self._order = 0
        self._policy_envelope: dict[str, Any] = {}
        self._trust_envelope: dict[str, Any] = {}
        self._t0 = 0.0
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="sim-device")
        self._lock = threading.Lock()

    def run(self) -> RunReport:
        """Start everything, play the timeline, drain, check; always cleans up."""
        finished = False
        try:
            self._start()
            self._play()
            self._drain()
            self._stop_processes()
            report = self._check()
            finished = True
            return report
        finally:
            # A run that broke keeps its files (configs, logs) for a look.
            self._shutdown(remove_files=finished and not self.options.keep)

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
            "province": self.province, "instance": "center-sim", "learn_kiosks": True,
            "store": {"path": str(self.dir / "center.sqlite")},
            "broker": {"host": "127.0.0.1", "port": self.center_broker.port,
                       "client_id": "center-sim", "reconnect_max_s": 2.0}})
        self.center = Component("center", chot_argv("center", "--config", str(center_cfg),
                                                    "--headless"),
                                self.dir / "center.log").start()
        self._publish_policy(BrokerConfig(port=self.center_broker.port))
        builder = RigBuilder(self.dir, self.province, self.options, self.scenario.seed)
        for post in self.scenario.posts:
            self.posts.append(builder.post(post, self.center_broker.port))
        beside_kiosk = center_cfg if self.options.ui_center else None
        for post_rig in self.posts:
            for index in range(post_rig.post.kiosks):
                if self.options.ui and not self.kiosks:
                    self.kiosks.append(builder.ui_kiosk(post_rig, index, beside_kiosk))
                else:
                    self.kiosks.append(builder.kiosk(post_rig, index, self._kiosk_said))
        deadline = time.monotonic() + BOOT_TIMEOUT_S
        for kiosk in self.kiosks:
            if not kiosk.ready.wait(max(0.0, deadline - time.monotonic())):
                kiosk.node.signal(signal.SIGUSR1)  # its stacks go to its log
                time.sleep(0.5)
                raise RuntimeError(f"kiosk {kiosk.label} did not start; see {self.dir}")
        self.log(f"started: {len(self.posts)} posts, {len(self.kiosks)} kiosks in {self.dir}")
        if beside_kiosk is None:
            self.log("bảng điều khiển trung tâm / center dashboard (trong lúc chạy / while it "
                     f"runs): chot center --view --config {center_cfg}")

    def _write_trust(self) -> None:
        self._policy_envelope, self._trust_envelope = write_signed_documents(
            self.dir, self.policy, self.issuers)

    def _publish_policy(self, broker: BrokerConfig) -> None:
        """Publish the kiosks' policy and trust list as the center does, so rollout shows."""
        ledger = Ledger(self.dir)  # `chot center policy|trust publish` goes on from it
        for topic, envelope in ((topics.policy(self.province), self._policy_envelope),
                                (topics.trust(self.province), self._trust_envelope)):
            publish_retained(broker, topic, envelope)
            ledger.record(envelope)

    def _kiosk_said(self, rig: KioskRig, line: str) -> None:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            return
        if not isinstance(record, dict):
            return
        if record.get("ready"):
            rig.ready.set()
        elif "staff_done" in record:
            rig.typing = False
            if not record["staff_done"]:
                self.log(f"[{self.now():6.1f}s] {rig.label}: staff could not finish a form")
        elif "thermometer" in record:
            rig.readings_at_kiosk = bool(record["thermometer"])
        elif "event_id" in record:
            # A certificate names no ID number (a rejected one nobody): the event is the
            # traveller's who stands at the kiosk.
            key = record.get("key") or (rig.serving.key if rig.serving else None)
            with self._lock:
                if not record.get("key") and key:
                    self.event_keys[record["event_id"]] = key
                if key:
                    self.verdict_times.setdefault(key, record["verdict_at"])

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
        if rig.down or rig.typing or rig.guarded(t) or self._settling(rig, t):
            self.at(t + 0.25, lambda: self._serve_next(rig))
            return
        traveller = rig.queue.popleft()
        rig.serving = traveller
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
        typing = MANUAL_SERVICE_S if traveller.kind in STAFF_COMPLETES else 0.0
        if rig.camera is not None:
            return STEP_UP_S + Motion().total_s + CAMERA_GAP_S + typing
        return STEP_UP_S + READER_SERVICE_S + typing

    def _step_up(self, rig: KioskRig, traveller: Traveller) -> None:
        measured = None
        if rig.thermometer is not None and rig.plugged:
            rig.thermometer.thermometer.object_c = traveller.body_temp_c
            measured = traveller.body_temp_c
        self.at(self.now() + STEP_UP_S, lambda: self._show(rig, traveller, measured))

    def _show(self, rig: KioskRig, traveller: Traveller, measured: float | None) -> None:
        if rig.ui:
            # Staff at the UI decide (and type for CCCD holders): nothing to check against.
            if traveller.code is not None and rig.camera is not None:
                rig.camera.present(traveller.code, traveller.on_paper)
            return
        if traveller.code is None:
            if rig.post.self_service:
                return  # nobody to type it in: they go to a staffed lane
            source, shown_at = "manual", time.time()
            self._staff(rig, {"keys": type_in(traveller.identity, traveller.travel)})
        elif rig.camera is not None:
            source = "camera"
            shown_at = rig.camera.present(traveller.code, traveller.on_paper).steady_at
        else:
            assert rig.reader is not None
            source, shown_at = "reader", time.time()
            self._pool.submit(rig.reader.scan, traveller.code)
        if traveller.kind in STAFF_COMPLETES and not rig.post.self_service:
            # The card asks for the trip: staff complete it on the form, filled from the code
            # (a certificate names nobody by number: staff add the passport's).
            if traveller.certificate:
                self._staff(rig, {"after_card": "", "keys": complete_certificate(
                    traveller.key, traveller.travel)})
            else:
                self._staff(rig, {"after_card": traveller.key,
                                  "keys": complete_scanned(traveller.travel)})
        self.truth.append(Truth(
            traveller.key, rig.label, str(traveller.kind),
            expected_verdict(traveller, self.policy, measured, rig.post.self_service), shown_at,
            source, shown_temp_c=measured,
            unmeasured=expected_verdict(traveller, self.policy, None, rig.post.self_service),
            presented=traveller.presented))

    def _staff(self, rig: KioskRig, order: dict[str, Any]) -> None:
        """Staff press keys at the kiosk; nobody else steps up until they are done."""
        rig.typing = rig.node.send(order)

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
        if rig.busy or rig.typing:
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
            # An event naming nobody (a refused certificate) is the traveller's at its kiosk.
            keys = {str((row.event.get("identity") or {}).get("id_number")
                        or self.event_keys.get(row.event["event_id"]))
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
                         frozenset(rig.label for rig in self.kiosks if rig.ui), self.event_keys)
        report.details.update({
            "scenario": self.scenario.name, "duration_s": self.scenario.duration_s,
            "posts": len(self.posts), "kiosks": len(self.kiosks),
            "faults": self.faults_applied, "fault_alerts": self._fault_alerts(),
            "center_quarantined": self._center_quarantined()})
        return report

    def _fault_alerts(self) -> list[str]:
        """The center's alerts that say something is broken (not travellers, not links)."""
        keys = [key for (key,) in _query(self.dir / "center.sqlite",
                                         "SELECT alert_key FROM alert_claims")]
        return sorted(key for key in keys if key.split("|", 1)[0] in FAULT_ALERT_KINDS)

    def _center_quarantined(self) -> int:
        """Messages the center kept aside instead of storing (a kiosk committed each one)."""
        rows = _query(self.dir / "center.sqlite", "SELECT COUNT(*) FROM quarantine")
        return int(rows[0][0]) if rows else 0

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

    def _shutdown(self, remove_files: bool) -> None:
        for rig in self.kiosks:
            rig.close()
        for post in self.posts:
            post.close()
        if self.center is not None:
            self.center.kill()
        if self.center_broker is not None:
            self.center_broker.close()
        self._pool.shutdown(wait=False, cancel_futures=True)
        if remove_files:
            shutil.rmtree(self.dir, ignore_errors=True)


# Alerts a run without injected faults must not raise: each names a broken part.
FAULT_ALERT_KINDS = frozenset({"device_alarm", "quarantined", "unknown_kiosk", "rate_limited",
                               "sequence_gap", "flood", "clock_skew"})


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


def run_scenario(scenario: Scenario, options: RunOptions | None = None,
                 log: Log = lambda _m: None) -> RunReport:
    """Play a scenario and check it; see Runner."""
    return Runner(scenario, options, log).run()
