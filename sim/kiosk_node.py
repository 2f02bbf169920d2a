"""A headless kiosk for simulated runs: real devices in, real scan path, real journal and link.

Codes arrive from the serial QR reader (a pty) and/or the camera (an MJPEG URL, decoded
frame by frame); each goes `read_code` → `evaluate` (with the thermometer's fresh reading)
→ committed to the SQLite journal → sent by the kiosk link to the post broker. What staff
would type (travel of a CCCD holder, a traveller with no code) comes as JSON lines on stdin.
Every committed scan is reported as one JSON line on stdout for the runner's timing.

Run as `python -m sim.kiosk_node CONFIG.json`.
"""

from __future__ import annotations

import faulthandler
import json
import queue
import signal
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from screening.evaluate import TemperatureReading, evaluate
from screening.event import ScanEvent
from screening.files import read_policy, read_verify_key
from screening.identity import Identity
from screening.keys import VerifyKey, keyring
from screening.places import Place
from screening.policy import POLICY_KIND, Policy, parse_policy
from screening.scan import (
    CodeKind,
    ScanResult,
    Travel,
    Verification,
    manual_only,
    read_code,
    with_manual_entry,
)
from screening.signed_doc import SignedDoc
from screening.trust import TRUST_KIND, issuer_keys
from sim.code_sources import CameraSource, ReaderSource

STAFF_WAIT_S = 3.0  # how long a CCCD scan waits for staff's typed travel before going on


class KioskNodeConfig(BaseModel):
    """What the runner tells one headless kiosk (written as JSON next to its journal)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    province: str
    post: str
    kiosk: str
    journal_path: Path
    broker_host: str = "127.0.0.1"
    broker_port: int
    policy_file: Path
    center_keys: list[Path]
    issuer_keys: list[Path]
    reader_port: str | None = None
    reader_baud: int = 115200
    camera_url: str | None = None
    decode_engine: str = "auto"
    thermometer_port: str | None = None
    resend_after_s: float = 10.0


@dataclass(frozen=True)
class Code:
    """A code text from an input, with the wall-clock time it was read."""

    text: str
    source: str
    read_at: float


@dataclass(frozen=True)
class Manual:
    """A traveller with no code: staff typed identity and travel."""

    identity: Identity
    travel: Travel
    typed_at: float


def travel_to_json(travel: Travel) -> dict[str, Any]:
    """Travel facts as the runner sends them on the control channel."""
    return {"origin": travel.origin.to_json(), "destination": travel.destination.to_json(),
            "route": travel.route, "vehicle_plate": travel.vehicle_plate,
            "symptoms": list(travel.symptoms), "contact": travel.contact,
            "vaccine_doses": travel.vaccine_doses}


def travel_from_json(data: dict[str, Any]) -> Travel:
    """The inverse of travel_to_json."""
    return Travel(origin=Place.from_json(data["origin"]),
                  destination=Place.from_json(data["destination"]), route=data["route"],
                  vehicle_plate=data["vehicle_plate"], symptoms=tuple(data["symptoms"]),
                  contact=data["contact"], vaccine_doses=data["vaccine_doses"])


def identity_from_json(data: dict[str, Any]) -> Identity:
    """An Identity from its to_json form."""
    born = data.get("date_of_birth")
    return Identity(name=data["name"], id_number=data["id_number"],
                    date_of_birth=date.fromisoformat(born) if born else None,
                    gender=data.get("gender"), phone=data.get("phone"),
                    address=data.get("address"))


class HeadlessKiosk:
    """One kiosk without a screen: inputs, scan path, journal and link."""

    def __init__(self, cfg: KioskNodeConfig) -> None:
        from infra.client_ids import kiosk_client_id
        from infra.config import BrokerConfig
        from infra.doc_store import verified_docs
        from kiosk_ui.journal import Journal
        from kiosk_ui.kiosk_link import KioskLink
        from kiosk_ui.link_config import JournalConfig, KioskLinkConfig

        self.cfg = cfg
        center = [read_verify_key(path) for path in cfg.center_keys]
        self.policy: Policy = read_policy(str(cfg.policy_file), center)
        self.trusted = keyring([VerifyKey.from_pem(p.read_bytes()) for p in cfg.issuer_keys])
        self.journal = Journal(cfg.journal_path, cfg.post, cfg.kiosk)
        link_cfg = KioskLinkConfig(
            province=cfg.province, post=cfg.post, kiosk=cfg.kiosk,
            journal=JournalConfig(path=cfg.journal_path),
            broker=BrokerConfig(host=cfg.broker_host, port=cfg.broker_port,
                                client_id=kiosk_client_id(cfg.post, cfg.kiosk),
                                reconnect_max_s=2.0),
            resend_after_s=cfg.resend_after_s, state_interval_s=5.0)
        # Like the staff UI: report the policy and trust list in force, start from the newest
        # ones the journal kept, and take newer ones the center signs.
        versions = {POLICY_KIND: self.policy.version} if self.policy.version else {}
        for doc in verified_docs(self.journal, keyring(center)).values():
            if doc.version >= versions.get(doc.kind, 0):
                self._on_doc(doc)
        self.link = KioskLink(link_cfg, self.journal, center, on_doc=self._on_doc,
                              doc_versions=versions)
        self.inbox: queue.Queue[Code | Manual | None] = queue.Queue()
        self.staff_travel: dict[str, Travel] = {}
        self._staff_lock = threading.Condition()
        self.sources: list[Any] = []
        if cfg.reader_port:
            self.sources.append(ReaderSource(cfg.reader_port, cfg.reader_baud, self._on_code))
        if cfg.camera_url:
            self.sources.append(CameraSource(cfg.camera_url, cfg.decode_engine, self._on_code))
        self.thermometer: Any = None
        self._readings: Any = None
        if cfg.thermometer_port:
            from hardware.thermometer import ThermometerLink
            from hardware.thermometer_types import ThermometerConfig
            from kiosk_ui.node_thermometer import NodeThermometer

            self.thermometer = ThermometerLink(ThermometerConfig(port=cfg.thermometer_port))
            # The staff UI's rule: a reading serves one scan, never the next traveller's.
            self._readings = NodeThermometer(self.thermometer, lambda: datetime.now(UTC))

    def run(self) -> None:
        """Start everything, serve until stdin closes or SIGTERM, then stop cleanly."""
        self.link.start()
        if self.thermometer is not None:
            self.thermometer.start()
        for source in self.sources:
            source.start()
        threading.Thread(target=self._read_control, daemon=True, name="control").start()
        if self.thermometer is not None:
            threading.Thread(target=self._watch_thermometer, daemon=True,
                             name="thermometer-watch").start()
        _emit({"ready": True, "kiosk": self.cfg.kiosk, "post": self.cfg.post})
        while (item := self.inbox.get()) is not None:
            self._decide(item)
        for source in self.sources:
            source.stop()
        if self.thermometer is not None:
            self.thermometer.stop()
        self.link.stop()
        self.journal.close()

    def stop(self) -> None:
        """Finish the scan in hand, then leave run()."""
        self.inbox.put(None)

    def _watch_thermometer(self) -> None:
        # Tells the runner when readings stop or come back, so its ground truth knows
        # whether a traveller's temperature could have been measured.
        reading = None
        while True:
            fresh = self.thermometer.fresh_reading() is not None
            if fresh is not reading:
                reading = fresh
                _emit({"thermometer": fresh, "kiosk": self.cfg.kiosk})
            time.sleep(0.1)

    def _on_doc(self, doc: SignedDoc) -> None:
        """A newer center-signed policy or trust list arrived: screen with it from now."""
        if doc.kind == POLICY_KIND:
            self.policy = parse_policy(doc.body, doc.version)
        elif doc.kind == TRUST_KIND:
            try:
                self.trusted = issuer_keys(doc.body)
            except ValueError as exc:  # signed by the center, yet unusable: keep the last list
                _emit({"trust_rejected": str(exc), "kiosk": self.cfg.kiosk})

    def _on_code(self, text: str, source: str, read_at: float) -> None:
        self.inbox.put(Code(text, source, read_at))

    def _read_control(self) -> None:
        for line in sys.stdin:
            try:
                order = json.loads(line)
            except json.JSONDecodeError:
                continue
            if "staff_travel" in order:
                with self._staff_lock:
                    self.staff_travel[order["id_number"]] = travel_from_json(
                        order["staff_travel"])
                    self._staff_lock.notify_all()
            elif "manual" in order:
                self.inbox.put(Manual(identity_from_json(order["identity"]),
                                      travel_from_json(order["manual"]), time.time()))
        self.stop()

    def _decide(self, item: Code | Manual) -> None:
        now = datetime.now(UTC)
        if isinstance(item, Manual):
            result = manual_only(item.identity, item.travel)
            source, read_at = "manual", item.typed_at
        else:
            result = self._with_staff_travel(
                read_code(item.text, self.trusted, now, self.policy.validity()))
            source, read_at = item.source, item.read_at
        reading = self._temperature(now)
        verdict = evaluate(result, reading, self.policy, now)
        event = self.journal.record(lambda header: ScanEvent(header, result, reading, verdict))
        ident = result.identity
        _emit({"event_id": event["event_id"], "key": ident.id_number if ident else None,
               "source": source, "read_at": read_at, "verdict_at": time.time(),
               "outcome": event["outcome"]})

    def _with_staff_travel(self, result: ScanResult) -> ScanResult:
        if result.kind is not CodeKind.CCCD or result.verification is not Verification.UNSIGNED \
                or result.identity is None:
            return result
        key = result.identity.id_number
        with self._staff_lock:
            self._staff_lock.wait_for(lambda: key in self.staff_travel, STAFF_WAIT_S)
            travel = self.staff_travel.pop(key, None)
        return result if travel is None else with_manual_entry(result, travel)

    def _temperature(self, now: datetime) -> TemperatureReading | None:
        return None if self._readings is None else self._readings.latest(now)


_EMIT_LOCK = threading.Lock()


def _emit(record: dict[str, Any]) -> None:
    # One write per line under a lock: print() from two threads can interleave two records.
    with _EMIT_LOCK:
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    """Entry point: `python -m sim.kiosk_node CONFIG.json`."""
    args = sys.argv[1:] if argv is None else argv
    # `kill -USR1` writes every thread's stack to the log: how the runner shows a stuck kiosk.
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    cfg = KioskNodeConfig.model_validate_json(Path(args[0]).read_text("utf-8"))
    kiosk = HeadlessKiosk(cfg)
    signal.signal(signal.SIGTERM, lambda *_: kiosk.stop())
    kiosk.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
