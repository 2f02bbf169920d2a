"""Builds the UI's ports from the config: real journal, link and devices, or simulated ones.

Imports of device and gateway code happen here, at start, never when `chot` itself loads.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from kiosk_ui.config import KioskConfig
from kiosk_ui.policy_files import FilePolicy, load_policy
from kiosk_ui.ports import (
    CodeInput,
    DeviceHealth,
    E,
    KioskPorts,
    OnCode,
    PendingStatus,
)
from screening.event import EventHeader


def utc_now() -> datetime:
    """The wall clock in UTC."""
    return datetime.now(UTC)


class SqliteJournal:
    """The gateway package's durable journal behind the UI's Journal port."""

    def __init__(self, journal: Any) -> None:
        self.journal = journal

    def record(self, make_event: Callable[[EventHeader], E]) -> E:
        """Commit (fsync) through the real journal; return the event object it was built from."""
        built: list[E] = []

        def make(header: EventHeader) -> E:
            built.append(make_event(header))
            return built[-1]

        self.journal.record(make)
        return built[0]

    def pending(self) -> PendingStatus:
        """Unacknowledged count and oldest age from the journal."""
        counts = self.journal.counts()
        return PendingStatus(counts["pending"], counts["oldest_pending_age_s"])


class BrokerLinkPort:
    """The gateway package's KioskLink behind the UI's LinkPort."""

    def __init__(self, link: Any) -> None:
        self.link = link

    def health(self) -> DeviceHealth:
        """Connected to the post broker or not; down while a restart of the link is recent."""
        for alarm in self.link.alarms.active():
            if alarm.code == "internal_error":
                # The link restarted itself after a failure: staff should know and call it in.
                return DeviceHealth("down", alarm.code)
        if self.link.link.connected:
            return DeviceHealth("ok")
        return DeviceHealth("down", "post broker unreachable")


class SerialReaderInput:
    """hardware.qr_reader.QrReaderLink behind the UI's CodeInput port."""

    name = "reader"

    def __init__(self, link: Any) -> None:
        self.link = link

    def start(self, on_code: OnCode) -> None:
        """Open the port on the link's thread."""
        self.link.start(on_code)

    def stop(self) -> None:
        """Close the port."""
        self.link.stop()

    def health(self) -> DeviceHealth:
        """ok, or down with why (connecting counts as down: no codes can arrive yet)."""
        health = self.link.health()
        if health.state == "ok":
            return DeviceHealth("ok", health.detail)
        if health.state == "stopped":
            return DeviceHealth("off")
        return DeviceHealth("down", health.detail or health.state)


@dataclass
class Running:
    """The ports and what must be stopped on the way out."""

    ports: KioskPorts
    stoppers: list[Callable[[], None]] = field(default_factory=list)

    def stop(self) -> None:
        """Stop inputs, the link and close the journal."""
        for stop in reversed(self.stoppers):
            # Shutting down: one failing device must not keep the others open.
            with contextlib.suppress(Exception):
                stop()


def build_ports(config: KioskConfig, clock: Callable[[], datetime] = utc_now) -> Running:
    """Open the journal, link and devices the config names; raises ConfigProblem-like errors."""
    journal = _journal(config, clock)
    # The journal keeps the documents the link accepted: newer than the files, they win.
    policy = load_policy(config.policy,
                         journal.journal if isinstance(journal, SqliteJournal) else None)
    running = Running(KioskPorts(journal=journal, policy=policy, clock=clock))
    ports = running.ports
    if isinstance(ports.journal, SqliteJournal):
        running.stoppers.append(ports.journal.journal.close)
    if config.gateway.host and isinstance(ports.journal, SqliteJournal):
        link = _link(config, ports.journal.journal, policy)
        ports.link = BrokerLinkPort(link)
        link.start()
        running.stoppers.append(link.stop)
    stop_thermometer = _thermometer(config, ports, clock)
    if stop_thermometer is not None:
        running.stoppers.append(stop_thermometer)
    _camera(config, ports)
    _reader(config, ports, policy, clock)
    for source in ports.inputs:
        running.stoppers.append(source.stop)
    if ports.camera is not None:
        running.stoppers.append(ports.camera.stop)
    return running


def _journal(config: KioskConfig, clock: Callable[[], datetime]) -> Any:
    from kiosk_ui.simulated import MemoryJournal

    if config.journal.path is None:
        return MemoryJournal(config.post, config.kiosk, clock)
    from kiosk_ui.journal import Journal

    return SqliteJournal(Journal(config.journal.path, config.post, config.kiosk, clock))


def _link(config: KioskConfig, journal: Any, policy: FilePolicy) -> Any:
    from pathlib import Path

    from infra.config import BrokerConfig
    from kiosk_ui.kiosk_link import KioskLink
    from kiosk_ui.link_config import JournalConfig, KioskLinkConfig
    gw = config.gateway
    broker = BrokerConfig(host=gw.host or "127.0.0.1", port=gw.port, username=gw.username,
                          password_file=Path(gw.password_file) if gw.password_file else None,
                          tls=gw.tls)
    cfg = KioskLinkConfig(province=gw.province, post=config.post, kiosk=config.kiosk,
                          journal=JournalConfig(path=Path(config.journal.path or ""),
                                                retention_s=gw.retention_s),
                          broker=broker, center_keys=[Path(p) for p in config.policy.center_keys])
    from screening.files import read_verify_key

    center = [read_verify_key(p) for p in config.policy.center_keys]

    # Called on the link's thread with a verified, newer document.
    link = KioskLink(cfg, journal, center, on_doc=policy.apply,
                     doc_versions=policy.start_versions)
    policy.attach_alarms(link.alarms)  # skipped trust entries reach the center's dashboard
    return link


AUTO_PORT = "auto"


def _thermometer(config: KioskConfig, ports: KioskPorts,
                 clock: Callable[[], datetime]) -> Callable[[], None] | None:
    section = config.thermometer
    if section.simulated_c is not None:
        from kiosk_ui.simulated import SimThermometer

        ports.thermometer = SimThermometer(clock, section.simulated_c)
    elif section.port:
        from hardware.thermometer import ThermometerLink
        from hardware.thermometer_types import ThermometerConfig
        from kiosk_ui.node_thermometer import NodeThermometer

        # "auto" finds the node by its USB vid/pid, so staff need not know the device name.
        port = None if section.port == AUTO_PORT else section.port
        link = ThermometerLink(ThermometerConfig(
            port=port, calibration_offset_c=section.calibration_offset_c)).start()
        ports.thermometer = NodeThermometer(link, clock)
        return link.stop
    return None


def _camera(config: KioskConfig, ports: KioskPorts) -> None:
    section = config.camera
    if section.simulated:
        from kiosk_ui.simulated import SimCamera

        ports.camera = SimCamera(section.sources or ["sim://camera"])
    elif section.sources:
        from kiosk_ui.camera_scanner import CameraScanner

        ports.camera = CameraScanner(section.sources, section.engine)


def _reader(config: KioskConfig, ports: KioskPorts, policy: FilePolicy,
            clock: Callable[[], datetime]) -> None:
    section = config.reader
    if section.simulated_interval_s:
        ports.inputs.append(_sample_reader(section.simulated_interval_s, policy, clock))
    elif section.port:
        from hardware.qr_reader import QrReaderLink

        # perf_counter stamps let the UI time scan-to-verdict from the reader's line.
        ports.inputs.append(SerialReaderInput(QrReaderLink(
            section.port, baud=section.baud, mode=section.mode, clock=time.perf_counter)))


def _sample_reader(interval_s: float, policy: FilePolicy,
                   clock: Callable[[], datetime]) -> CodeInput:
    from itertools import cycle, islice

    from kiosk_ui.sample_travellers import sample_codes
    from kiosk_ui.simulated import ScriptedInput
    from screening.keys import SigningKey

    # Demo only: a throwaway issuer whose key is trusted for this run.
    issuer = SigningKey.generate()
    now = policy.current()
    policy.replace(replace(now, trusted={**now.trusted, issuer.kid: issuer.public}))
    codes = list(sample_codes(issuer, clock()).values())
    return ScriptedInput("reader", islice(cycle(codes), 10_000), interval_s)


