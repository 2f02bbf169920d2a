"""Building blocks for the relay tests: config files, chot processes, MQTT probes, counting."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from infra.config import load_config
from infra.polling import wait_until as wait_for
from kiosk_ui.journal import Journal
from kiosk_ui.kiosk_link import KioskLink
from kiosk_ui.link_config import KioskLinkConfig

REPO = Path(__file__).resolve().parents[2]
PROV = "01"
POST = "P01"


def broker_toml(section: str, port: int, **extra: Any) -> str:
    """A [section] for a broker on loopback with fast reconnects (tests do not wait long)."""
    lines = [f"[{section}]", 'host = "127.0.0.1"', f"port = {port}", "keepalive_s = 5",
             "reconnect_min_s = 0.2", "reconnect_max_s = 1.0"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


def gateway_toml(tmp: Path, post_port: int, center_port: int, max_size_mb: float | None = None,
                 center_extra: dict[str, Any] | None = None, post: str = POST,
                 keys: list[Path] | None = None) -> Path:
    """Write a gateway config (fast resend and state) and return its path."""
    size = f"max_size_mb = {max_size_mb}\n" if max_size_mb else ""
    key_list = json.dumps([str(k) for k in keys or []])
    path = tmp / f"gateway-{post}.toml"
    path.write_text(
        f'province = "{PROV}"\npost = "{post}"\nstate_interval_s = 0.5\n'
        f"center_keys = {key_list}\n"
        f'[outbox]\npath = "{tmp / f"gateway-{post}.db"}"\nack_timeout_s = 3.0\n{size}'
        + broker_toml("post_broker", post_port)
        + broker_toml("center_broker", center_port, **(center_extra or {})))
    return path


def center_toml(tmp: Path, port: int, instance: str = "center-1") -> Path:
    """Write a center config and return its path."""
    path = tmp / f"{instance}.toml"
    path.write_text(f'province = "{PROV}"\ninstance = "{instance}"\nlearn_kiosks = true\n'
                    f'[store]\npath = "{tmp / "center.db"}"\n' + broker_toml("broker", port))
    return path


def kiosk_toml(tmp: Path, kiosk: str, port: int, post: str = POST,
               keys: list[Path] | None = None) -> Path:
    """Write a kiosk link config (resend after 3 s) and return its path."""
    path = tmp / f"kiosk-{kiosk}.toml"
    path.write_text(f'province = "{PROV}"\npost = "{post}"\nkiosk = "{kiosk}"\n'
                    f"resend_after_s = 3.0\nstate_interval_s = 1.0\n"
                    f"center_keys = {json.dumps([str(k) for k in keys or []])}\n"
                    f'[journal]\npath = "{tmp / f"journal-{kiosk}.db"}"\n'
                    + broker_toml("broker", port))
    return path


class ChotProcess:
    """A `python -m chot …` child with its output in a log file; kill() is kill -9."""

    def __init__(self, tmp: Path, name: str, *args: str) -> None:
        self.name, self.args, self.tmp = name, args, tmp
        self.runs = 0
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> ChotProcess:
        """Start (or start again)."""
        self.runs += 1
        log = open(self.tmp / f"{self.name}.{self.runs}.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen([sys.executable, "-m", "chot", *self.args], cwd=REPO,
                                     stdout=log, stderr=subprocess.STDOUT,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1"})
        log.close()
        return self

    def kill(self) -> None:
        """kill -9."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def terminate(self, timeout: float = 15.0) -> int | None:
        """SIGTERM and wait; kill -9 if it does not stop."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode

    def wait(self, timeout: float) -> int:
        """Wait for exit; returns the exit code."""
        assert self.proc is not None
        return self.proc.wait(timeout)

    @property
    def alive(self) -> bool:
        """Whether the process is running."""
        return self.proc is not None and self.proc.poll() is None

    def output(self) -> str:
        """Everything every run of it printed."""
        return "".join(p.read_text(errors="replace")
                       for p in sorted(self.tmp.glob(f"{self.name}.*.log")))


@dataclass
class Probe:
    """A plain paho client that records what it receives and the PUBACK reason codes."""

    client: mqtt.Client
    messages: dict[str, list[bytes]] = field(default_factory=dict)
    pubacks: dict[int, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def last(self, topic: str) -> Any:
        """The last JSON payload seen on topic, or None."""
        with self.lock:
            payloads = self.messages.get(topic) or [b""]
        return json.loads(payloads[-1]) if payloads[-1] else None

    def publish_and_wait(self, topic: str, payload: bytes, retain: bool = False,
                         timeout: float = 5.0) -> str:
        """Publish QoS 1 and return the PUBACK reason code name."""
        info = self.client.publish(topic, payload, qos=1, retain=retain)
        assert wait_for(lambda: info.mid in self.pubacks, timeout), "no PUBACK"
        return self.pubacks[info.mid]

    def close(self) -> None:
        """Disconnect."""
        self.client.disconnect()
        self.client.loop_stop()


def probe(port: int, subscribe: list[str] = (), username: str | None = None,  # type: ignore[assignment]
          password: str | None = None, client_id: str = "",
          tls_ca: Path | None = None) -> Probe:
    """Connect a Probe (MQTT v5) and subscribe to the given filters."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    result = Probe(client)
    if username:
        client.username_pw_set(username, password)
    if tls_ca is not None:
        client.tls_set(ca_certs=str(tls_ca))

    def on_message(_c: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        with result.lock:
            result.messages.setdefault(message.topic, []).append(bytes(message.payload))

    def on_publish(_c: mqtt.Client, _u: Any, mid: int, reason: Any, _p: Any) -> None:
        result.pubacks[mid] = str(reason)

    subacks: set[int] = set()

    def on_subscribe(_c: mqtt.Client, _u: Any, mid: int, _reasons: Any, _p: Any) -> None:
        subacks.add(mid)

    connected = threading.Event()
    client.on_message, client.on_publish = on_message, on_publish
    client.on_subscribe = on_subscribe
    client.on_connect = lambda *_a: connected.set()
    client.connect("127.0.0.1", port)
    client.loop_start()
    assert connected.wait(5), "probe could not connect"
    # The broker delivers to a subscription from its SUBACK on: wait for each, not a guess.
    mids = [client.subscribe(topic, qos=1)[1] for topic in subscribe]
    assert wait_for(lambda: subacks.issuperset(mids), 5), "probe's subscriptions not acknowledged"
    return result



def count_rows(db: Path, sql: str) -> Any:
    """Run one query on a SQLite file with a fresh connection (independent of the components)."""
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def ids_in(db: Path, sql: str) -> list[str]:
    """All values of the first column of a query, read independently."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return [row[0] for row in conn.execute(sql)]
    finally:
        conn.close()


def open_kiosk(site: dict[str, Any], tmp: Path, name: str,
               **kwargs: Any) -> tuple[Journal, KioskLink]:
    """A kiosk's journal and running link on the site's post broker (stopped by the fixture)."""
    cfg = load_config(kiosk_toml(tmp, name, site["post"].port, keys=[tmp / "center.pub"]),
                      KioskLinkConfig)
    journal = Journal(cfg.journal.path, POST, name)
    link = KioskLink(cfg, journal, **kwargs)
    link.start()
    site["links"].append(link)
    return journal, link
