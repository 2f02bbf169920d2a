"""The kiosk on a real post broker: a newer signed policy arrives, scans go out as events."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from kiosk_harness import ISSUER

from infra import topics
from kiosk_ui.app import build_app
from kiosk_ui.config import parse_config
from kiosk_ui.devices import build_ports
from kiosk_ui.sample_travellers import sample_codes
from kiosk_ui.screen_text import screen_text
from screening.default_policy import DEFAULT_BODY
from screening.event import utc_iso
from screening.keys import SigningKey
from screening.policy import POLICY_KIND
from screening.signed_doc import sign_doc
from sim.broker import MosquittoBroker

pytestmark = pytest.mark.asyncio


def mqtt_client(port: int, received: list[tuple[str, bytes]] | None = None) -> mqtt.Client:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    if received is not None:
        client.on_message = lambda _c, _u, m: received.append((m.topic, bytes(m.payload)))
    client.connect("127.0.0.1", port)
    client.loop_start()
    return client


async def wait_screen(app: Any, text: str, timeout: float = 10.0) -> str:
    screen = ""
    for _ in range(int(timeout / 0.05)):
        screen = screen_text(app)
        if text in screen:
            return screen
        await asyncio.sleep(0.05)
    raise AssertionError(f"{text!r} never appeared:\n{screen}")


async def test_policy_update_shows_and_scans_reach_the_broker(tmp_path: Path) -> None:
    center = SigningKey.generate()
    (tmp_path / "center.pub").write_bytes(center.public.to_pem())
    (tmp_path / "issuer.pub").write_bytes(ISSUER.public.to_pem())
    now = datetime.now(UTC)
    envelope = sign_doc(POLICY_KIND, 9, utc_iso(now), DEFAULT_BODY, center)
    with MosquittoBroker() as broker:
        broker.start()
        received: list[tuple[str, bytes]] = []
        watcher = mqtt_client(broker.port, received)
        watcher.subscribe(topics.kiosk_events("11", "tuan-giao", "k5"), qos=1)
        config = parse_config({
            "post": "tuan-giao", "kiosk": "k5",
            "policy": {"center_keys": [str(tmp_path / "center.pub")],
                       "trust": [str(tmp_path / "issuer.pub")]},
            "journal": {"path": str(tmp_path / "journal.sqlite")},
            "gateway": {"host": "127.0.0.1", "port": broker.port, "province": "11"},
        })
        running = build_ports(config)
        app = build_app(config, running.ports)
        try:
            async with app.run_test(size=(80, 24)):
                await wait_screen(app, "⚠ CS CŨ v0")  # built-in fallback until the center speaks
                await wait_screen(app, "MẠNG ✔")
                mqtt_client(broker.port).publish(topics.policy("11"), json.dumps(envelope),
                                                 qos=1, retain=True).wait_for_publish(5)
                screen = await wait_screen(app, " CS v9 ")
                assert "⚠" not in screen
                app.code_from_thread(sample_codes(ISSUER, now)["clear"], "wedge", 0.0)
                await wait_screen(app, "ĐƯỢC QUA")
                for _ in range(100):
                    if received:
                        break
                    await asyncio.sleep(0.05)
        finally:
            running.stop()
            watcher.loop_stop()
    [(_topic, payload)] = received
    event = json.loads(payload)
    assert (event["outcome"], event["policy_version"]) == ("clear", 9)


async def test_the_staff_kiosk_reaches_a_tls_only_post_broker(tmp_path: Path) -> None:
    from sim.shipped_brokers import make_tls

    tls = make_tls(tmp_path / "tls")
    with MosquittoBroker(tls=tls) as broker:
        broker.start()
        config = parse_config({
            "post": "tuan-giao", "kiosk": "k6",
            "journal": {"path": str(tmp_path / "journal.sqlite")},
            "gateway": {"host": "localhost", "port": broker.port, "province": "11",
                        "tls": {"ca_file": str(tls.ca_file)}},
        })
        running = build_ports(config)
        app = build_app(config, running.ports)
        try:
            async with app.run_test(size=(80, 24)):
                await wait_screen(app, "MẠNG ✔")
        finally:
            running.stop()

