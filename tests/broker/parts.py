"""Building blocks for the broker tests: a registry, its logins, certificates, shipped configs."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from center.registry import Registry
from sim.shipped_brokers import password
from tests.gateway.parts import wait_for

REPO = Path(__file__).resolve().parents[2]
REGISTRY = Registry.model_validate({
    "province": "01", "centers": ["center-1", "center-2"],
    "post": [{"code": "P01", "kiosks": ["K1", "K2"]}, {"code": "P02", "kiosks": ["K1"]}],
    "ward": [{"code": "00070"}, {"code": "00071"}]})


class Device:
    """A paho MQTT v5 client logged in as someone: connect, SUBACK and PUBACK reason codes."""

    def __init__(self, port: int, username: str, client_id: str,
                 tls_ca: Path | None = None, secret: str | None = None) -> None:
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                                  protocol=mqtt.MQTTv5)
        self.client.username_pw_set(username, secret or password(username))
        if tls_ca is not None:
            self.client.tls_set(ca_certs=str(tls_ca))
        self.messages: list[tuple[str, bytes]] = []
        self.disconnects: list[str] = []
        self._answers: dict[int, list[str]] = {}
        self._connected = threading.Event()
        self.connect_reason = "no answer"
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = lambda _c, _u, _f, reason, _p: \
            self.disconnects.append(str(reason))
        self.client.on_message = lambda _c, _u, m: \
            self.messages.append((m.topic, bytes(m.payload)))
        self.client.on_subscribe = lambda _c, _u, mid, codes, _p: \
            self._answers.__setitem__(mid, [str(c) for c in codes])
        self.client.on_publish = lambda _c, _u, mid, reason, _p: \
            self._answers.__setitem__(mid, [str(reason)])
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        self._connected.wait(5)
        if self.connect_reason != "Success":
            self.close()  # paho's loop would otherwise retry the refused login forever

    def _on_connect(self, _c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        self.connect_reason = str(reason)
        self._connected.set()

    @property
    def connected(self) -> bool:
        """Whether the broker accepted the login and has not dropped it since."""
        return self.connect_reason == "Success" and self.client.is_connected()

    def subscribe(self, topic_filter: str) -> str:
        """SUBSCRIBE at QoS 1; the SUBACK's reason code ('Granted QoS 1', 'Not authorized')."""
        _, mid = self.client.subscribe(topic_filter, qos=1)
        return self._answer(mid)

    def publish(self, topic: str, payload: bytes = b"{}") -> str:
        """PUBLISH at QoS 1; the PUBACK's reason code."""
        return self._answer(self.client.publish(topic, payload, qos=1).mid)

    def _answer(self, mid: int) -> str:
        assert wait_for(lambda: mid in self._answers, 5), "no answer from the broker"
        return self._answers[mid][0]

    def close(self) -> None:
        """Disconnect."""
        self.client.disconnect()
        self.client.loop_stop()


def example_center_config(name: str, folder: Path) -> Path:
    """deploy/examples/NAME as it would be installed: its registry (/etc/chot/registry.toml,
    the file `chot broker access` reads) at the example registry, in a copy under `folder`."""
    examples = REPO / "deploy" / "examples"
    text = (examples / name).read_text("utf-8")
    assert 'registry = "/etc/chot/registry.toml"' in text, f"{name} names no registry"
    copy = folder / name
    copy.write_text(text.replace("/etc/chot/registry.toml", str(examples / "registry.toml")),
                    "utf-8")
    return copy
