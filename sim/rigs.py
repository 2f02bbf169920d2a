"""Setting up a run's posts and kiosks: brokers, uplink proxies, gateways, kiosk processes and
the devices simulated in front of each kiosk, all configured through generated files."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from screening.certificates.trust import Framework
from screening.keys import SigningKey
from screening.policy import POLICY_KIND, Policy, policy_body
from screening.signed_doc import sign_doc
from screening.trust import TRUST_KIND, trust_body, with_certificates
from sim.broker import MosquittoBroker
from sim.camera import MjpegServer, VirtualCamera
from sim.components import Component, chot_argv, python_m, write_toml
from sim.qr_reader_device import QrReaderDevice
from sim.scenario import Post
from sim.tmux_screens import TmuxScreens
from sim.travellers import Issuers, Traveller
from sim.uplink import Uplink

POLICY_FILE = "policy.json"
TRUST_FILE = "trust.json"  # the center-signed trust list: issuers and certificate signers
CENTER_KEY_FILE = "center.pub"


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
    ui_center: bool = False  # with ui: the center's dashboard a key away (tmux; F12)


@dataclass
class KioskRig:
    """One kiosk: its process, the devices simulated in front of it, and its line."""

    post: Post
    name: str
    node: Component
    reader: QrReaderDevice | None = None
    camera: VirtualCamera | None = None
    stream: MjpegServer | None = None
    thermometer: Any = None  # sim.thermometer_node.SimulatedThermometer
    ui: bool = False  # staff decide here: no ground truth is kept for this kiosk
    plugged: bool = True
    readings_at_kiosk: bool | None = None  # as the kiosk last reported its thermometer
    settle_until: float = 0.0  # timeline seconds; the line waits while a plug change settles
    queue: deque[Traveller] = field(default_factory=deque)  # waiting in line
    busy: bool = False  # a traveller is being served
    typing: bool = False  # staff are at the keyboard: the next traveller waits
    serving: Traveller | None = None  # who stepped up last
    down: bool = False
    ready: threading.Event = field(default_factory=threading.Event)
    guards: list[tuple[float, float]] = field(default_factory=list)

    @property
    def label(self) -> str:
        """post/kiosk, as events and reports name it."""
        return f"{self.post.id}/{self.name}"

    def guarded(self, t: float) -> bool:
        """True when t is just before a thermometer plug change: nobody steps up then."""
        return any(begin <= t < end for begin, end in self.guards)

    def close(self) -> None:
        """Kill the process and unplug every device."""
        self.node.kill()
        if self.stream is not None:
            self.stream.stop()
        if self.reader is not None:
            self.reader.close()
        if self.thermometer is not None:
            self.thermometer.stop()


@dataclass
class PostRig:
    """One post: its broker, uplink proxy and gateway."""

    post: Post
    broker: MosquittoBroker
    uplink: Uplink
    gateway: Component

    def close(self) -> None:
        """Kill the gateway, close the proxy and the broker."""
        self.gateway.kill()
        self.uplink.close()
        self.broker.close()


def write_signed_documents(run_dir: Path, policy: Policy,
                           issuers: Issuers) -> tuple[dict[str, Any], dict[str, Any]]:
    """A center key, and the policy and trust list it signs, written where kiosks read them
    (POLICY_FILE, TRUST_FILE, CENTER_KEY_FILE); returns the two envelopes.

    Kiosks take only documents the center signed, as in the field. The trust list carries the
    declaration portal and the run's foreign-certificate signers."""
    center = SigningKey.generate()
    (run_dir / CENTER_KEY_FILE).write_bytes(center.public.to_pem())
    now = datetime.now(UTC)
    issued_at = now.isoformat(timespec="seconds").replace("+00:00", "Z")
    policy_doc = sign_doc(POLICY_KIND, 1, issued_at, policy_body(policy), center)
    body = with_certificates(
        trust_body([("Cổng khai báo y tế (mô phỏng)", issuers.trusted.public)]),
        list(issuers.certificates.entries()), {framework: now for framework in Framework})
    trust_doc = sign_doc(TRUST_KIND, 1, issued_at, body, center)
    for name, doc in ((POLICY_FILE, policy_doc), (TRUST_FILE, trust_doc)):
        (run_dir / name).write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return policy_doc, trust_doc


class RigBuilder:
    """Starts posts and kiosks of one run in its directory."""

    def __init__(self, run_dir: Path, province: str, options: RunOptions, seed: int) -> None:
        self.dir, self.province, self.options, self.seed = run_dir, province, options, seed

    def post(self, post: Post, center_port: int) -> PostRig:
        """The post broker, an uplink proxy to the center broker, and the gateway."""
        broker = MosquittoBroker(workdir=self.dir / f"broker-{post.id}").start()
        uplink = Uplink("127.0.0.1", center_port)
        config = write_toml(self.dir / f"gateway-{post.id}.toml", {
            "province": self.province, "post": post.id,
            # Resend unacknowledged events sooner than the field default (60 s): a broker
            # killed mid-delivery must not hold up the end of a short run.
            "outbox": {"path": str(self.dir / f"outbox-{post.id}.sqlite"),
                       "ack_timeout_s": 10.0},
            # The center's key: policy and trust lists reach the kiosks only through it.
            "center_keys": [str(self.dir / CENTER_KEY_FILE)],
            "post_broker": {"host": "127.0.0.1", "port": broker.port, "reconnect_max_s": 2.0},
            # Reconnect backoff capped low so a shortened run sees the uplink come back.
            "center_broker": {"host": "127.0.0.1", "port": uplink.port,
                              "reconnect_max_s": 3.0, "keepalive_s": 5}})
        gateway = Component(f"gateway-{post.id}", chot_argv("gateway", "--config", str(config)),
                            self.dir / f"gateway-{post.id}.log").start()
        return PostRig(post, broker, uplink, gateway)

    def kiosk(self, post_rig: PostRig, index: int,
              on_line: Callable[[KioskRig, str], None]) -> KioskRig:
        """The product's kiosk, headless (sim.kiosk_driver), with its camera or reader and its
        thermometer; simulated staff press its keys."""
        post, name = post_rig.post, f"k{index + 1}"
        label = f"{post.id}-{name}"
        rig = KioskRig(post, name, node=Component(
            f"kiosk-{label}", [], self.dir / f"kiosk-{label}.log",
            on_line=lambda line: on_line(rig, line), stdin=True))
        devices: dict[str, Any] = {}
        if index < post.camera_kiosks:
            rig.camera, rig.stream = self._camera(index)
            devices["camera"] = {"sources": [rig.stream.url],
                                 "engine": self.options.decode_engine}
        else:
            rig.reader = QrReaderDevice(link=self.dir / f"reader-{label}")
            devices["reader"] = {"port": rig.reader.port, "baud": rig.reader.baud}
        if post.thermometer:
            rig.thermometer = self._thermometer(label)
            devices["thermometer"] = {"port": rig.thermometer.start()}
        # Headless: nobody hears a bell, and its escape codes have no terminal to go to.
        config = self._kiosk_config(post_rig, name, devices, bell=False,
                                    mode="self_service" if post.self_service else "staffed")
        rig.node.argv = python_m("sim.kiosk_driver", str(config))
        rig.node.start()
        return rig

    def ui_kiosk(self, post_rig: PostRig, index: int,
                 center_config: Path | None = None) -> KioskRig:
        """The staff UI (`chot kiosk`) as a kiosk of the post, camera and thermometer simulated.

        With a center config, the center's dashboard (`chot center --view`) shares the
        terminal with it: two tmux windows, F12 switching.
        """
        post, name = post_rig.post, f"k{index + 1}"
        label = f"{post.id}-{name}"
        camera, stream = self._camera(index)
        thermometer = self._thermometer(label)
        config = self._kiosk_config(post_rig, name, {
            "camera": {"sources": [stream.url], "engine": self.options.decode_engine,
                       "preview": True},
            "thermometer": {"port": thermometer.start()}})
        kiosk_argv = chot_argv("kiosk", "--config", str(config))
        node: Component
        if center_config is None:
            node = Component(f"kiosk-{label}", kiosk_argv, self.dir / f"kiosk-{label}.log",
                             foreground=True)
        else:
            node = TmuxScreens(f"kiosk-{label}", kiosk_argv,
                               chot_argv("center", "--view", "--config", str(center_config)),
                               self.dir)
        node.start()
        rig = KioskRig(post, name, node, camera=camera, stream=stream, thermometer=thermometer,
                       ui=True)
        rig.ready.set()
        return rig

    def _kiosk_config(self, post_rig: PostRig, name: str, devices: dict[str, Any],
                      mode: str = "staffed", bell: bool = True) -> Path:
        """The kiosk TOML `chot kiosk` reads: post, policy and trust files, devices, journal
        and the post broker."""
        label = f"{post_rig.post.id}-{name}"
        return write_toml(self.dir / f"kiosk-{label}.toml", {
            "post": post_rig.post.id, "kiosk": name, "mode": mode, "bell": bell,
            "policy": {"file": str(self.dir / POLICY_FILE),
                       "center_keys": [str(self.dir / CENTER_KEY_FILE)],
                       "trust": [str(self.dir / TRUST_FILE)]},
            **devices,
            "journal": {"path": str(self.dir / f"journal-{label}.sqlite")},
            "gateway": {"host": "127.0.0.1", "port": post_rig.broker.port,
                        "province": self.province}})

    def _camera(self, index: int) -> tuple[VirtualCamera, MjpegServer]:
        camera = VirtualCamera(self.options.camera_width, self.options.camera_height,
                               seed=self.seed + index)
        return camera, MjpegServer(camera).start()

    def _thermometer(self, label: str) -> Any:
        from sim.thermometer_node import SimulatedThermometer

        return SimulatedThermometer(link_path=self.dir / f"thermo-{label}")
