"""A paho-mqtt 2.x MQTT v5 client kept connected by its own thread, safe to publish from any.

paho keeps a session's unacknowledged messages in memory only, and its built-in reconnect
has no jitter; this wrapper reconnects with jittered backoff, keeps the broker-side session
(clean_start=False with an expiry), counts the link's ups and downs for the state topic and
logs each outage and its end with how long it lasted and how much is waiting.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from infra.backoff import backoff_delay
from infra.config import BrokerConfig, ConfigProblem

log = logging.getLogger(__name__)

SELECT_S = 1.0  # the longest wait for the socket: keepalive checks run at least this often
STOP_FLUSH_S = 2.0  # stop() waits this long at most for the DISCONNECT to leave


@dataclass
class LinkStats:
    """Counters of one broker link, reported in the state topic."""

    connected: bool = False
    connects: int = 0
    disconnects: int = 0
    last_connected_at: float | None = None
    last_disconnected_at: float | None = None
    last_error: str = ""
    refused: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The uplink stats block of a state payload."""
        return {"connected": self.connected, "connects": self.connects,
                "disconnects": self.disconnects, "last_connected_at": self.last_connected_at,
                "last_disconnected_at": self.last_disconnected_at,
                "last_error": self.last_error}


@dataclass(frozen=True)
class PubAck:
    """The broker's PUBACK for one of our publishes, handed from paho's thread to a worker."""

    mid: int
    reason: int
    name: str


def queue_pubacks(put: Callable[[PubAck], None]) -> Callable[..., None]:
    """An on_publish callback that only hands each PUBACK to `put` (a worker's queue)."""

    def on_publish(_client: mqtt.Client, _userdata: Any, mid: int, reason: ReasonCode,
                   _properties: Any) -> None:
        value = reason.value if isinstance(reason, ReasonCode) else int(reason)
        put(PubAck(mid, value, str(reason)))

    return on_publish


def make_client(cfg: BrokerConfig, client_id: str, manual_ack: bool = False) -> mqtt.Client:
    """A paho MQTT v5 client set up from a broker section (credentials, TLS, windows).

    Raises ConfigProblem when the password or TLS files named there cannot be used.
    """
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=cfg.client_id or client_id,
                         protocol=mqtt.MQTTv5, reconnect_on_failure=False,
                         manual_ack=manual_ack)
    # The window (cfg.inflight) is kept by the callers: paho's own limit rescans every queued
    # message on each PUBACK, which costs more than the rest of the relay put together.
    client.max_inflight_messages_set(0)
    client.max_queued_messages_set(0)
    if cfg.username is not None:
        client.username_pw_set(cfg.username, cfg.secret())
    if cfg.tls is not None:
        cfg.tls.check_files()
        try:
            client.tls_set(ca_certs=str(cfg.tls.ca_file),
                           certfile=str(cfg.tls.cert_file) if cfg.tls.cert_file else None,
                           keyfile=str(cfg.tls.key_file) if cfg.tls.key_file else None,
                           cert_reqs=ssl.CERT_REQUIRED, tls_version=ssl.PROTOCOL_TLS_CLIENT)
        except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError: not PEM, key mismatch
            raise ConfigProblem(cfg.tls.ca_file, f"tls: tệp chứng chỉ không dùng được / "
                                f"certificate files not usable: {exc}",
                                "tls_file_unusable") from None
        client.tls_insecure_set(not cfg.tls.check_hostname)
    return client


def drain(work: queue.SimpleQueue[Any], timeout: float, limit: int) -> list[Any]:
    """Wait up to timeout for one work item, then take whatever else is queued (up to limit)."""
    try:
        items = [work.get(timeout=timeout)]
    except queue.Empty:
        return []
    while len(items) < limit:
        try:
            items.append(work.get_nowait())
        except queue.Empty:
            break
    return items


def wait_published(infos: list[mqtt.MQTTMessageInfo], timeout: float) -> bool:
    """Wait until the broker acknowledged these publishes; False on timeout or lost link."""
    deadline = time.monotonic() + timeout
    try:
        for info in infos:
            while not info.is_published():
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.01)
    except (ValueError, RuntimeError):
        return False
    return True


def failed(reason: ReasonCode | int) -> bool:
    """True for an MQTT v5 reason code that reports failure (>= 0x80)."""
    value = reason.value if isinstance(reason, ReasonCode) else int(reason)
    return value >= 0x80


class BrokerLink:
    """Keeps one client connected: jittered backoff, persistent session, link stats.

    Every byte of the connection is read and written on the link's own thread. paho's
    single-threaded loop_forever() writes from whichever thread calls publish(), and two
    threads writing one TLS socket corrupt its records (brokers answer "bad record mac" and
    drop the client); so paho runs here as its documentation allows for an external event
    loop: publish() only queues and wakes this thread, which alone calls loop_read(),
    loop_write() and loop_misc().
    """

    def __init__(self, cfg: BrokerConfig, client: mqtt.Client, name: str,
                 on_up: Callable[[bool], None] | None = None,
                 on_down: Callable[[], None] | None = None,
                 waiting: Callable[[], int] | None = None,
                 receive_maximum: int | None = None) -> None:
        # receive_maximum: at most this many QoS 1 messages unacknowledged by us at a time
        # (MQTT 5 Receive Maximum), which bounds what a flood of big messages holds in memory.
        self.cfg, self.client, self.name = cfg, client, name
        self.receive_maximum = receive_maximum
        self.stats = LinkStats()
        self.generation = 0
        self._on_up, self._on_down, self._waiting = on_up, on_down, waiting
        self._stopping = threading.Event()
        self._up = threading.Event()
        self._outage = Outage()
        self._thread = threading.Thread(target=self._run, name=f"mqtt-{name}", daemon=True)
        self._woken = False
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        client.on_connect = self._connected
        client.on_disconnect = self._disconnected
        client.on_socket_register_write = lambda _c, _u, _s: self._wake()

    def start(self) -> None:
        """Connect in the background; returns at once."""
        self._thread.start()

    def wait_connected(self, timeout: float) -> bool:
        """Block until the link is up (True) or the timeout passes (False)."""
        return self._up.wait(timeout)

    @property
    def connected(self) -> bool:
        """Whether the broker accepted our CONNECT and the link is still up."""
        return self._up.is_set()

    def stop(self, timeout: float = 5.0) -> None:
        """Disconnect cleanly (the Last Will is not sent) and end the thread."""
        self._stopping.set()
        try:
            self.client.disconnect()  # queued; the link's thread writes it
        except Exception:  # noqa: BLE001 - a half-dead socket must not block shutdown
            log.debug("%s: disconnect failed", self.name, exc_info=True)
        self._wake()
        self._thread.join(timeout)
        if not self._thread.is_alive():
            self._wake_r.close()
            self._wake_w.close()

    def _wake(self) -> None:
        """Tell the link's thread there is something to write (from any other thread)."""
        # The link's own thread looks at want_write() before each select, and one byte
        # waiting already wakes it: a burst of publishes costs one send, not one each.
        if self._woken or threading.current_thread() is self._thread:
            return
        self._woken = True
        with contextlib.suppress(OSError):  # full (already woken) or closed (stopped)
            self._wake_w.send(b"\0")

    def _run(self) -> None:
        attempt, first = 0, True
        while not self._stopping.is_set():
            try:
                if first:
                    props = Properties(PacketTypes.CONNECT)
                    props.SessionExpiryInterval = self.cfg.session_expiry_s
                    if self.receive_maximum is not None:
                        props.ReceiveMaximum = self.receive_maximum
                    self.client.connect(self.cfg.host, self.cfg.port, self.cfg.keepalive_s,
                                        clean_start=False, properties=props)
                    first = False
                else:
                    self.client.reconnect()
            except Exception as exc:  # noqa: BLE001 - the link thread must never die
                self.stats.last_error = f"connect: {exc}"
                self._unreachable(exc)
                attempt += 1
                self._stopping.wait(backoff_delay(attempt, self.cfg.reconnect_min_s,
                                                  self.cfg.reconnect_max_s))
                continue
            connects_before = self.stats.connects
            try:
                self._serve()
            except Exception as exc:  # noqa: BLE001 - a socket error must not end the link
                self.stats.last_error = f"loop: {exc}"
            self._disconnected(self.client, None, None, None, None)
            attempt = 1 if self.stats.connects > connects_before else attempt + 1
            if not self._stopping.is_set():
                self._stopping.wait(backoff_delay(attempt, self.cfg.reconnect_min_s,
                                                  self.cfg.reconnect_max_s))

    def _serve(self) -> None:
        """All socket I/O of one connection, until it is lost or the link stops."""
        client, stop_by = self.client, None
        while True:
            sock: Any = client.socket()
            if sock is None:
                return
            if self._stopping.is_set():
                # Let the queued DISCONNECT out (paho closes the socket after it), not forever.
                stop_by = stop_by or time.monotonic() + STOP_FLUSH_S
                if not client.want_write() or time.monotonic() > stop_by:
                    return
            # TLS may already hold decrypted bytes that select() cannot see.
            pending = sock.pending() if isinstance(sock, ssl.SSLSocket) else 0
            writers = [sock] if client.want_write() else []
            readable, writable, _ = select.select([sock, self._wake_r], writers, [],
                                                  0.0 if pending else SELECT_S)
            if self._wake_r in readable:
                self._woken = False  # before reading: a later publish must wake us again
                with contextlib.suppress(BlockingIOError):
                    self._wake_r.recv(4096)
                if client.want_write() and sock not in writable:
                    writable.append(sock)  # paho's own loop does the same on a wake-up
            if (sock in readable or pending) and client.loop_read() != mqtt.MQTT_ERR_SUCCESS:
                return
            if sock in writable and client.loop_write() != mqtt.MQTT_ERR_SUCCESS:
                return
            if client.loop_misc() != mqtt.MQTT_ERR_SUCCESS:
                return

    def _connected(self, client: mqtt.Client, userdata: Any, flags: Any, reason: ReasonCode,
                   properties: Any) -> None:
        if failed(reason):
            self.stats.last_error = f"refused: {reason}"
            self.stats.refused[str(reason)] = self.stats.refused.get(str(reason), 0) + 1
            self._unreachable(reason)
            return
        sock: Any = client.socket()
        if sock is not None:
            # paho leaves Nagle on; small PUBACKs would then wait for delayed TCP acks (~40 ms).
            with contextlib.suppress(OSError, AttributeError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.generation += 1
        self.stats.connected = True
        self.stats.connects += 1
        self.stats.last_connected_at = time.time()
        lasted = self._outage.end()
        if lasted is not None:
            log.warning("%s broker %s:%d is back after %.1f s down%s", self.name,
                        self.cfg.host, self.cfg.port, lasted, self._waiting_note())
        self._up.set()
        if self._on_up is not None:
            self._on_up(bool(getattr(flags, "session_present", False)))

    def _disconnected(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any,
                      properties: Any) -> None:
        if not self._up.is_set():
            return
        self._up.clear()
        self.stats.connected = False
        self.stats.disconnects += 1
        self.stats.last_disconnected_at = time.time()
        if reason is not None and failed(reason):
            self.stats.last_error = f"disconnected: {reason}"
        if not self._stopping.is_set():
            self._outage.begin()
            log.warning("lost the %s broker %s:%d (%s)%s; reconnecting", self.name,
                        self.cfg.host, self.cfg.port,
                        reason if reason is not None else self.stats.last_error or "closed",
                        self._waiting_note())
        if self._on_down is not None:
            self._on_down()

    def _unreachable(self, why: object) -> None:
        """Log a failed connect once per outage (every retry would flood the log)."""
        if self._outage.begin() and not self._stopping.is_set():
            log.warning("cannot reach the %s broker %s:%d: %s; retrying with backoff",
                        self.name, self.cfg.host, self.cfg.port, why)

    def _waiting_note(self) -> str:
        """'; N events waiting' from the sender behind this link, if it has one."""
        if self._waiting is None:
            return ""
        try:
            return f"; {self._waiting()} events waiting"
        except Exception:  # noqa: BLE001 - a log line must not take the link down
            return "; events waiting: unknown"


class Outage:
    """When the current outage of a link began, so its end can say how long it lasted."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._since: float | None = None

    def begin(self) -> bool:
        """Mark the link down; True if this starts a new outage."""
        if self._since is not None:
            return False
        self._since = self._clock()
        return True

    def end(self) -> float | None:
        """Mark the link up; how long the outage lasted, or None if there was none."""
        if self._since is None:
            return None
        lasted, self._since = self._clock() - self._since, None
        return lasted
