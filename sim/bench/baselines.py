"""The relay's two fair baselines, fed the very messages the relay sends (issue 21).

- raw_paho_batched: one paho client set up as the relay's uplink is (infra.mqtt.make_client,
  TCP_NODELAY, the same window counted in events) publishing the same batched messages with
  QoS 1 and nothing durable: the transport's ceiling;
- bridge: what a user would pick instead of the relay: a mosquitto bridge with persistence
  carries the same messages from a post broker to a center broker, where a subscriber
  (sim.bench.bridge_sink) commits their events to SQLite.
"""

from __future__ import annotations

import contextlib
import socket
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt

from infra.batching import fill_batch
from infra.config import BrokerConfig
from infra.mqtt import make_client
from infra.wire import events_payload
from kiosk_ui.journal import Journal

TOPIC = "chot/v1/bench/batched"


@dataclass(frozen=True)
class Message:
    """One batched message as the relay would send it."""

    payload: bytes
    events: int


def batched_messages(journal_path: Path, post: str, kiosk: str) -> list[Message]:
    """The journal's events grouped into messages exactly as the senders group them."""
    journal = Journal(journal_path, post, kiosk)
    try:
        entries = list(journal.pending(limit=10**9))
    finally:
        journal.close()
    entries.reverse()
    pushed: list[Any] = []

    def next_entry() -> Any:
        return pushed.pop() if pushed else (entries.pop() if entries else None)

    messages = []
    while batch := fill_batch(next_entry, pushed.append):
        messages.append(Message(events_payload([e.payload for e in batch]), len(batch)))
    return messages


def publish_all(port: int, messages: list[Message], window: int, client_id: str,
                timeout_s: float = 600.0) -> tuple[float, float]:
    """Publish every message with QoS 1, at most `window` events unacknowledged, set up as the
    relay's uplink; returns (wall time of the first publish, of the last PUBACK)."""
    client = make_client(BrokerConfig(port=port, inflight=window), client_id)
    # One permit per event in flight. The broker PUBACKs one connection's messages in order,
    # so each PUBACK frees the oldest message's events (no lock shared with paho's thread,
    # which calls on_publish while holding its own).
    room = threading.Semaphore(window)
    sizes: deque[int] = deque()
    acked = [0]
    done = threading.Event()
    connected = threading.Event()

    def on_connect(c: mqtt.Client, *_args: Any) -> None:
        sock: Any = c.socket()
        with contextlib.suppress(OSError, AttributeError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        connected.set()

    def on_publish(*_args: Any) -> None:
        room.release(sizes.popleft())
        acked[0] += 1
        if acked[0] >= len(messages):
            done.set()

    client.on_connect = on_connect
    client.on_publish = on_publish
    client.connect("127.0.0.1", port)
    client.loop_start()
    connected.wait(10)
    start = time.time()
    for message in messages:
        for _ in range(message.events):
            room.acquire(timeout=timeout_s)
        sizes.append(message.events)
        client.publish(TOPIC, message.payload, qos=1)
    done.wait(timeout_s)
    end = time.time()
    client.disconnect()
    client.loop_stop()
    return start, end


def bridge_config(center_port: int) -> str:
    """The post broker's bridge to the center broker: QoS 1, persistent session."""
    return (f"connection chot-bench-bridge\naddress 127.0.0.1:{center_port}\n"
            f"topic chot/v1/# out 1\ncleansession false\nbridge_protocol_version mqttv311\n"
            "bridge_attempt_unsubscribe false\nrestart_timeout 1\n"
            "bridge_max_packet_size 0\n")


def wait_count(db: Path, table: str, count: int, timeout_s: float,
               step: float = 0.02) -> float | None:
    """Poll db until table holds count rows; the wall time it was seen, or None."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if db.exists():
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
            try:
                have = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            except sqlite3.OperationalError:
                have = 0
            finally:
                conn.close()
            if have >= count:
                return time.time()
        time.sleep(step)
    return None


def first_message_at(port: int, topic: str) -> Callable[[], float | None]:
    """Start watching topic (QoS 0); the returned call gives the wall time the first message
    arrived (None if none did) and stops watching."""
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    seen: list[float] = []
    subscribed = threading.Event()

    def on_message(c: mqtt.Client, *_args: Any) -> None:
        if not seen:
            seen.append(time.time())
            c.unsubscribe(topic)

    client.on_message = on_message
    client.on_connect = lambda c, *_a: c.subscribe(topic, qos=0)
    client.on_subscribe = lambda *_a: subscribed.set()
    client.connect("127.0.0.1", port)
    client.loop_start()
    subscribed.wait(10)

    def stop() -> float | None:
        client.disconnect()
        client.loop_stop()
        return seen[0] if seen else None

    return stop
