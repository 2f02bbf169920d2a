"""Center ingest: events from the provincial broker into the store, exactly once, then acks.

Several instances split the events through one shared subscription. A message (one event or
a batch of one kiosk's events) is PUBACKed only after its events are committed, so a center
killed mid-batch gets it again from the broker; the ack to the gateway goes out after the
same commit, so a gateway purges only what the store holds. Duplicates are ignored by
event_id and acknowledged again.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import paho.mqtt.client as mqtt
from paho.mqtt.subscribeoptions import SubscribeOptions

from center.config import CenterConfig
from center.store import Store
from gateway import topics
from gateway.mqtt import BrokerLink, drain, make_client
from gateway.wire import Malformed, acks_payloads, check_event, event_payloads

log = logging.getLogger(__name__)

TICK_S = 0.25


class Refusal(Protocol):
    """Why a message cannot be stored as an event (e.g. gateway.wire.Malformed)."""

    @property
    def reason(self) -> str:
        """A short code, e.g. not_json."""
        ...

    @property
    def detail(self) -> str:
        """What exactly was wrong."""
        ...


EventCheck = Callable[[bytes, str, str, datetime], "dict[str, Any] | Refusal"]


def light_check(payload: bytes, post: str, kiosk: str, received_at: datetime,
                ) -> dict[str, Any] | Refusal:
    """The default check: JSON object, schema 1, ULID, sequence, and topic match."""
    return check_event(payload, topics.KioskTopic("", post, kiosk, "events"))


@dataclass(frozen=True)
class _Event:
    generation: int
    mid: int
    qos: int
    topic: str
    payload: bytes


@dataclass
class IngestCounters:
    """What ingest did since it started."""

    received: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    acks_sent: int = 0
    errors: int = 0
    by_post: dict[str, int] = field(default_factory=dict)


class CenterIngest:
    """Subscribes, stores, acknowledges; `start()` runs it in the background."""

    def __init__(self, cfg: CenterConfig, store: Store, check: EventCheck = light_check,
                 on_stored: Callable[[list[dict[str, Any]]], None] | None = None) -> None:
        self.cfg, self.store, self._check, self._on_stored = cfg, store, check, on_stored
        self.prov = cfg.province
        self.counters = IngestCounters()
        self._work: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="center-ingest", daemon=True)
        self.client = make_client(cfg.broker, cfg.instance, manual_ack=True)
        self.client.on_message = self._on_message
        self.link = BrokerLink(cfg.broker, self.client, "center", on_up=self._subscribe)

    def start(self) -> None:
        """Connect and start ingesting."""
        self._thread.start()
        self.link.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Finish the current batch and disconnect."""
        self._stopping.set()
        self._thread.join(timeout)
        self.link.stop()

    def _subscribe(self, _session_present: bool) -> None:
        events = topics.shared(topics.all_kiosk_events(self.prov), self.cfg.ingest.share_group)
        self.client.subscribe([(events, SubscribeOptions(qos=1)),
                               (topics.all_kiosk_states(self.prov), SubscribeOptions(qos=1)),
                               (topics.all_gateway_states(self.prov), SubscribeOptions(qos=1))])

    def _on_message(self, client: mqtt.Client, userdata: Any,
                    message: mqtt.MQTTMessage) -> None:
        self._work.put(_Event(self.link.generation, message.mid, message.qos, message.topic,
                              bytes(message.payload)))

    def _run(self) -> None:
        while not self._stopping.is_set():
            items = drain(self._work, TICK_S, self.cfg.ingest.batch_max)
            if not items:
                continue
            try:
                self._ingest(items)
            except Exception:  # noqa: BLE001 - ingest must outlive one bad batch
                # Nothing of the batch was PUBACKed: after a reconnect the broker sends it again.
                log.exception("center ingest failed on a batch; reconnecting")
                self.counters.errors += 1
                self.client.disconnect()
                self._stopping.wait(1.0)

    def _ingest(self, items: list[_Event]) -> None:
        """Store a batch in one commit, then PUBACK it and ack each post's events."""
        now = datetime.now(UTC)
        events: list[dict[str, Any]] = []
        payloads: list[bytes] = []
        refused: list[tuple[str, str | None, str | None, str | None, str, str, bytes]] = []
        states: list[tuple[str, str, str, str | None, bytes]] = []
        acks: dict[str, list[str]] = {}
        for item in items:
            kiosk_topic = topics.parse_kiosk_topic(item.topic)
            if kiosk_topic is not None and kiosk_topic.leaf == "events":
                for payload in event_payloads(item.payload):
                    result = self._check(payload, kiosk_topic.post, kiosk_topic.kiosk, now)
                    if isinstance(result, dict):
                        events.append(result)
                        payloads.append(payload)
                        acks.setdefault(kiosk_topic.post, []).append(result["event_id"])
                        continue
                    event_id = _event_id_of(result)
                    refused.append((item.topic, kiosk_topic.post, kiosk_topic.kiosk, event_id,
                                    result.reason, result.detail, payload))
                    if event_id is not None:
                        # Kept in quarantine: acknowledged, or the gateway would resend forever.
                        acks.setdefault(kiosk_topic.post, []).append(event_id)
            elif kiosk_topic is not None:
                states.append((item.topic, "kiosk", kiosk_topic.post, kiosk_topic.kiosk,
                               item.payload))
            elif (gw := topics.parse_gateway_state_topic(item.topic)) is not None:
                states.append((item.topic, "gateway", gw[1], None, item.payload))
        stored = self.store.add_events(events, now.timestamp(), payloads) if events else []
        if refused:
            self.store.add_quarantined(refused)
        if states:
            self.store.set_states(states)
        generation = self.link.generation
        for item in items:
            if item.generation == generation and item.qos > 0:
                self.client.ack(item.mid, item.qos)
        for post, ids in acks.items():
            for payload in acks_payloads(ids):
                self.client.publish(topics.post_acks(self.prov, post), payload, qos=1)
                self.counters.acks_sent += 1
        self._count(events, stored, refused)
        if stored and self._on_stored is not None:
            self._on_stored(stored)

    def _count(self, events: list[dict[str, Any]], stored: list[dict[str, Any]],
               refused: list[Any]) -> None:
        self.counters.received += len(events) + len(refused)
        self.counters.stored += len(stored)
        self.counters.duplicates += len(events) - len(stored)
        self.counters.quarantined += len(refused)
        for event in stored:
            self.counters.by_post[event["post"]] = self.counters.by_post.get(event["post"], 0) + 1
        if refused:
            log.warning("quarantined %d messages, e.g. %s: %s", len(refused), refused[0][4],
                        refused[0][5])


def _event_id_of(refusal: Refusal) -> str | None:
    event_id = getattr(refusal, "event_id", None)
    return event_id if isinstance(event_id, str) and len(event_id) == 26 else None


def wait_for(predicate: Callable[[], bool], timeout: float, step: float = 0.05) -> bool:
    """Poll predicate until true or timeout (used by the CLI and the benchmark)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


__all__ = ["CenterIngest", "EventCheck", "IngestCounters", "Malformed", "light_check"]
