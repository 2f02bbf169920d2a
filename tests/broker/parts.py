"""Building blocks for the broker tests: a registry, its logins, certificates, shipped configs."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from paho.mqtt.enums import CallbackAPIVersion

from center.broker_access import Access, dynsec_document, usernames
from center.registry import Registry
from sim.broker import MosquittoBroker, TlsFiles, find_dynsec_plugin, free_port
from tests.gateway.parts import wait_for

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "deploy" / "mosquitto"
REGISTRY = Registry.model_validate({
    "province": "01", "centers": ["center-1", "center-2"],
    "post": [{"code": "P01", "kiosks": ["K1", "K2"]}, {"code": "P02", "kiosks": ["K1"]}],
    "ward": [{"code": "00070"}, {"code": "00071"}]})


def password(username: str) -> str:
    """Each test login's password."""
    return f"{username}-pw"


def dynsec(access: Access) -> dict[str, Any]:
    """The broker's dynamic-security document, every login with password(username)."""
    return dynsec_document(access, {u: password(u) for u in usernames(access)})


def make_tls(tmp: Path) -> TlsFiles:
    """A throwaway CA and a server certificate for localhost/127.0.0.1."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "chot test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(minutes=5))
          .not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .sign(ca_key, hashes.SHA256()))
    tmp.mkdir(parents=True, exist_ok=True)
    files = TlsFiles(tmp / "ca.crt", tmp / "server.crt", tmp / "server.key")
    files.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                 serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()))
    return files


class Shipped:
    """A shipped broker config on loopback ports: `port` plain, `tls_port` its TLS listener."""

    def __init__(self, name: str, tmp: Path, tls: TlsFiles) -> None:
        self.name, self.dir, self.tls = name, tmp / f"{name}-broker", tls
        self.port, self.tls_port = free_port(), free_port()
        self.dir.mkdir(parents=True, exist_ok=True)

    def config(self) -> str:
        """deploy/mosquitto/{name}.conf with its paths and listeners moved into the test."""
        text = (SHIPPED / f"{self.name}.conf").read_text()
        swaps = {"/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so": find_dynsec_plugin(),
                 "/var/lib/mosquitto/": f"{self.dir}/",
                 "/etc/mosquitto/chot/": f"{self.tls.ca_file.parent}/",
                 "listener 1883 127.0.0.1": f"listener {self.port} 127.0.0.1",
                 "listener 8883 192.168.10.1": f"listener {self.tls_port} 127.0.0.1",
                 "listener 8883\n": f"listener {self.tls_port} 127.0.0.1\n",
                 "log_dest syslog": f"log_dest file {self.dir / 'mosquitto.log'}"}
        for old, new in swaps.items():
            assert old in text or old.startswith("listener 8883"), (self.name, old)
            text = text.replace(old, new)
        return text + ("user root\n" if os.geteuid() == 0 else "")

    def start(self, factory: Callable[..., MosquittoBroker], access: Access) -> MosquittoBroker:
        """Start it with the access generated for it."""
        return factory(port=self.port, workdir=self.dir, config=self.config(),
                       dynsec=dynsec(access))


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
