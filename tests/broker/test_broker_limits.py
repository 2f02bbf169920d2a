"""The shipped brokers hold when one login floods or opens sockets: bounded queues, capped
listeners, and an open-file limit above the caps (issue 17)."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from center.broker_access import center_access
from infra import topics
from sim.bench.flood import FloodBatches, Flooder
from sim.broker import MosquittoBroker, TlsFiles
from sim.shipped_brokers import ShippedBroker, password
from tests.broker.parts import REGISTRY, REPO
from tests.gateway.parts import wait_for

DROP_IN = REPO / "deploy" / "systemd" / "mosquitto.service.d" / "chot.conf"
PROV = REGISTRY.province


def _listeners(conf: str) -> list[dict[str, str]]:
    """Each listener's options, as mosquitto reads them (a listener runs to the next one)."""
    found: list[dict[str, str]] = []
    for line in conf.splitlines():
        key, _, value = line.strip().partition(" ")
        if key == "listener":
            found.append({"listener": value})
        elif found and key and not key.startswith("#"):
            found[-1].setdefault(key, value)
    return found


def _option(conf: str, key: str) -> str:
    match = re.search(rf"^{key} (\S+)$", conf, re.MULTILINE)
    assert match, f"{key} missing"
    return match.group(1)


@pytest.mark.parametrize("name", ["center", "post"])
def test_listeners_cap_connections_below_the_units_open_file_limit(name: str) -> None:
    conf = (REPO / "deploy" / "mosquitto" / f"{name}.conf").read_text()
    unit = dict(line.split("=", 1) for line in DROP_IN.read_text().splitlines()
                if "=" in line and not line.startswith("#"))
    caps = [int(listener["max_connections"]) for listener in _listeners(conf)]
    assert len(caps) == 2 and all(cap > 0 for cap in caps)
    # Room for the broker's own files (persistence, log, plugin) above every connection.
    assert int(unit["LimitNOFILE"]) >= 2 * sum(caps)
    assert int(unit["LimitNOFILE"]) > 10 * 1100  # the idle sockets the review opened
    assert 0 < int(_option(conf, "max_keepalive")) <= 300  # silent clients are dropped
    assert int(_option(conf, "max_queued_messages")) > 0
    assert 0 < int(_option(conf, "max_queued_bytes")) <= 128 * 1024 * 1024
    assert 256 * 1024 <= int(_option(conf, "message_size_limit")) <= 1024 * 1024


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_the_drop_in_is_a_valid_service_section(tmp_path: Path) -> None:
    unit = tmp_path / "mosquitto-test.service"
    unit.write_text("[Unit]\nDescription=test\n" + DROP_IN.read_text()
                    + "ExecStart=/bin/true\n")
    done = subprocess.run(["systemd-analyze", "verify", unit.name], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr


def _resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _center_session_then_away(port: int) -> None:
    """A center instance subscribes to the flooding post's events, then goes away; its
    persistent session stays and the broker queues for it."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="center-1-events-1",
                         protocol=mqtt.MQTTv5)
    client.username_pw_set("center-1", password("center-1"))
    subscribed = threading.Event()
    client.on_subscribe = lambda *_a: subscribed.set()
    props = mqtt.Properties(mqtt.PacketTypes.CONNECT)
    props.SessionExpiryInterval = 3600
    client.on_connect = lambda c, *_a: c.subscribe(
        topics.shared(topics.all_kiosk_events(PROV, "P02")), qos=1)
    client.connect("127.0.0.1", port, clean_start=False, properties=props)
    client.loop_start()
    assert subscribed.wait(10)
    client.disconnect()
    client.loop_stop()


@pytest.mark.timeout(120)
def test_a_flood_while_the_center_is_away_fills_a_bounded_queue(
        tmp_path: Path, tls: TlsFiles, mosquitto_factory: Callable[..., MosquittoBroker]
        ) -> None:
    shipped = ShippedBroker("center", tmp_path, tls)
    broker = shipped.start(mosquitto_factory, center_access(REGISTRY))
    assert broker.pid is not None
    _center_session_then_away(shipped.port)
    before = _resident_mb(broker.pid)
    flooder = Flooder(shipped.tls_port, tls, password("P02"), tmp_path, PROV, "P02", "K1")
    flooder.start()
    batch_bytes = len(FloodBatches(tmp_path, "P02", "K1").next())
    offered_mb = lambda: flooder.sent / 200 * batch_bytes / 1e6  # noqa: E731
    assert wait_for(lambda: offered_mb() > 200, 90, step=0.2), offered_mb()
    flooder.stop()
    time.sleep(0.5)  # the last batches in flight settle before the broker's memory is read
    grown = _resident_mb(broker.pid) - before
    # 200 MB queued for a center that is away would all be held in memory (and in
    # mosquitto.db at the next save); the queue stops at max_queued_bytes (64 MiB).
    assert grown < 120, f"the broker grew {grown:.0f} MB for {offered_mb():.0f} MB offered"
    log = (shipped.dir / "mosquitto.log").read_text(errors="replace")
    assert "Outgoing messages are being dropped for client center-1-events-1" in log
