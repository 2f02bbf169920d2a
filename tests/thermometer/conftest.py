"""Fixtures for the thermometer node: simulated nodes on real ptys, scripted nodes, links."""

from __future__ import annotations

import struct
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from firmware import thermo_protocol as proto
from hardware.thermometer import ThermometerLink
from hardware.thermometer_types import ThermometerConfig
from infra import polling
from sim.micropython_thermometer import MicroPythonThermometer
from sim.pty_device import PtyDevice
from sim.thermometer_node import SimulatedThermometer

FAST = {"reconnect_interval_s": 0.1, "reconnect_max_s": 0.4, "identify_timeout_s": 0.3,
        "link_timeout_s": 1.0, "ack_timeout_s": 0.2}



class ScriptedNode:
    """A hand-driven node on a raw pty speaking the codec directly: answers HELLO with
    IDENTIFY and acknowledges commands, and lets a test put any bytes on the wire."""

    def __init__(self, link_path: Path, protocol_version: int = proto.PROTOCOL_VERSION,
                 boot_id: int = 0x1234ABCD) -> None:
        self.pty = PtyDevice(link_path)
        self.path = self.pty.port
        self.protocol_version = protocol_version
        self.boot_id = boot_id
        self.seq = 0
        self.hellos = 0
        self.commands: list[tuple[int, bytes]] = []
        self._write_lock = threading.Lock()
        self._running = True
        self._thread = threading.Thread(target=self._answer, daemon=True)
        self._thread.start()

    def frame(self, msg_type: int, payload: bytes) -> bytes:
        """A frame from this node with its next sequence number."""
        self.seq = (self.seq + 1) & 0xFF
        return proto.encode(self.seq, msg_type, payload)

    def identify_payload(self) -> bytes:
        """IDENTIFY for this node's boot and protocol version."""
        payload = bytearray(proto.PAYLOAD_SIZES[proto.MSG_IDENTIFY])
        proto.pack_identify(payload, (1, 0, 0), self.boot_id, b"SCRIPTED")
        payload[3] = self.protocol_version
        return bytes(payload)

    def reading(self, object_c: float, ambient_c: float = 28.0, seq: int = 1,
                distance_mm: int = 40, calibration_centi: int = 0) -> bytes:
        """A READING frame for temperatures in °C."""
        def raw(c: float) -> int:
            return round((c + 273.15) / 0.02)
        payload = struct.pack(proto.READING_FORMAT, self.boot_id, seq, raw(object_c),
                              raw(ambient_c), distance_mm, calibration_centi)
        return self.frame(proto.MSG_READING, payload)

    def heartbeat(self, calibration_centi: int = 0) -> bytes:
        """A HEARTBEAT frame saying both sensors are fine."""
        payload = struct.pack(proto.HEARTBEAT_FORMAT, self.boot_id, 1,
                              proto.STATUS_THERMOMETER_OK | proto.STATUS_PROXIMITY_OK, 0,
                              calibration_centi, 0)
        return self.frame(proto.MSG_HEARTBEAT, payload)

    def send(self, data: bytes) -> None:
        """Write bytes to the host, blocking until the pty takes them all."""
        with self._write_lock:
            self.pty.write_all(data)

    def _answer(self) -> None:
        parser = proto.FrameParser()
        while self._running:
            try:
                data = self.pty.read(4096, timeout=0.05)
            except OSError:
                return
            position = 0
            while position < len(data):
                position = parser.feed(data, position, len(data))
                if not parser.ready:
                    continue
                if parser.msg_type == proto.MSG_HELLO:
                    self.hellos += 1
                    self.send(self.frame(proto.MSG_IDENTIFY, self.identify_payload()))
                else:
                    self.commands.append((parser.msg_type, bytes(parser.payload[:parser.length])))
                    ack = struct.pack(proto.ACK_FORMAT, parser.seq, parser.msg_type, proto.ACK_OK)
                    self.send(self.frame(proto.MSG_ACK, ack))

    def close(self) -> None:
        """Close both ends of the pty."""
        self._running = False
        self._thread.join(timeout=2)
        self.pty.close()


@pytest.fixture
def node(tmp_path: Path) -> Iterator[SimulatedThermometer]:
    """The real firmware on a simulated board, behind a pty reachable at a stable link."""
    simulated = SimulatedThermometer(link_path=tmp_path / "ttyTHERMO")
    simulated.start()
    yield simulated
    simulated.stop()


@pytest.fixture(params=["cpython", "micropython"])
def any_node(request: pytest.FixtureRequest,
             tmp_path: Path) -> Iterator[SimulatedThermometer | MicroPythonThermometer]:
    """The real firmware behind a pty, on the CPython board model and on MicroPython 1.27
    itself (the WebAssembly port under Node.js), with the same sensor models."""
    kind = SimulatedThermometer if request.param == "cpython" else MicroPythonThermometer
    simulated = kind(link_path=tmp_path / "ttyTHERMO")
    simulated.start()
    yield simulated
    simulated.stop()


@pytest.fixture
def make_link() -> Iterator[Callable[..., ThermometerLink]]:
    """Start ThermometerLinks with short timeouts; all are stopped afterwards."""
    links: list[ThermometerLink] = []

    def make(port: str, **overrides: object) -> ThermometerLink:
        link = ThermometerLink(ThermometerConfig(port=port, **{**FAST, **overrides}))
        links.append(link)
        return link.start()

    yield make
    for link in links:
        link.stop()


@pytest.fixture
def scripted(tmp_path: Path) -> Iterator[Callable[..., ScriptedNode]]:
    """Make scripted nodes on raw ptys; closed afterwards."""
    nodes: list[ScriptedNode] = []

    def make(**kwargs: object) -> ScriptedNode:
        scripted_node = ScriptedNode(tmp_path / f"ttySCRIPT{len(nodes)}", **kwargs)  # type: ignore[arg-type]
        nodes.append(scripted_node)
        return scripted_node

    yield make
    for scripted_node in nodes:
        scripted_node.close()


@pytest.fixture
def wait_until() -> Callable[..., bool]:
    """wait_until(predicate, timeout) for tests."""
    return lambda predicate, timeout=3.0: polling.wait_until(predicate, timeout)
