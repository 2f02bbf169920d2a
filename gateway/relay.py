"""The gateway: kiosk events in from the post broker, durably out to the provincial broker.

A kiosk's event is PUBACKed only after it is committed to the outbox, published upstream with
QoS 1 until the provincial broker accepts it (every PUBACK reason code checked), and kept until
the center's ack names it; the ack is then relayed down so the kiosk can purge. All
bookkeeping happens on one worker thread; the paho callbacks only enqueue work.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.subscribeoptions import SubscribeOptions

from gateway.config import GatewayConfig
from gateway.outbox import Added, Incoming, Outbox, OutboxFull, Outgoing
from infra import topics
from infra.alarms import Alarms, ClockWatch
from infra.client_ids import gateway_client_id
from infra.doc_store import accept_document
from infra.mqtt import BrokerLink, PubAck, drain, make_client, queue_pubacks, wait_published
from infra.reliable_sender import ReliableSender
from infra.wire import (
    Malformed,
    acks_payloads,
    check_event_object,
    events_payload,
    parse_acks,
    split_events,
    state_payload,
)
from screening.keys import VerifyKey, keyring
from screening.policy import POLICY_KIND
from screening.signed_doc import DocRejected
from screening.trust import TRUST_KIND

log = logging.getLogger(__name__)

BATCH_MAX = 2000
# Kiosk messages unacknowledged by the gateway at a time (MQTT 5 Receive Maximum): a backlog
# comes 200 events to a message, and the broker would otherwise hand over 1,000 of them at
# once, all parsed in one commit (hundreds of MB while kiosks catch up).
RECEIVE_MAXIMUM = 100
TICK_S = 0.25
FULL_RETRY_S = 1.0
PURGE_EVERY_S = 60.0
# Sent and not yet acknowledged by the center, in windows: about a second of the center's bulk
# pace, far inside the ack timeout, so a drain never outruns the center into a resend storm.
AWAITING_PER_WINDOW = 20
RECLAIM_EVERY_S = 5.0  # a drained outbox gives its space back within seconds


@dataclass(frozen=True)
class Received:
    """A kiosk event delivered by the post broker, not yet PUBACKed."""

    generation: int
    mid: int
    qos: int
    topic: str
    payload: bytes


@dataclass(frozen=True)
class Delivered:
    """A message from the provincial broker: center acks, policy or trust."""

    topic: str
    payload: bytes


@dataclass(frozen=True)
class Relayed:
    """A kiosk state message to copy upstream."""

    topic: str
    payload: bytes


@dataclass(frozen=True)
class LinkChange:
    """One of the two broker links came up or went down."""

    link: str
    up: bool


@dataclass
class Counters:
    """Uplink counters for the state topic."""

    received: int = 0
    malformed: int = 0
    published: int = 0
    accepted: int = 0
    refused: int = 0
    acked: int = 0
    resent: int = 0
    unrouted: int = 0
    docs_accepted: int = 0
    docs_rejected: int = 0


class Gateway:
    """One post's relay; `start()` runs it in the background, `stop()` ends it cleanly."""

    def __init__(self, cfg: GatewayConfig, center_keys: list[VerifyKey]) -> None:
        self.cfg = cfg
        self.prov, self.post = cfg.province, cfg.post
        self.keys = keyring(center_keys)
        self.outbox = Outbox(cfg.outbox.path, cfg.outbox.max_size_mb)
        self.alarms = Alarms()
        self.counters = Counters()
        self._work: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gateway", daemon=True)

        self._state_topic = topics.gateway_state(self.prov, self.post)
        offline = state_payload("offline", post=self.post, reason="connection_lost")
        self.post_client = make_client(cfg.post_broker, gateway_client_id(self.post),
                                       manual_ack=True)
        self.post_client.will_set(self._state_topic, offline, qos=1, retain=True)
        self.post_client.on_message = self._on_post_message
        self.post_link = BrokerLink(cfg.post_broker, self.post_client, "post",
                                    on_up=lambda _s: self._work.put(LinkChange("post", True)),
                                    on_down=lambda: self._work.put(LinkChange("post", False)),
                                    waiting=self._backlog, receive_maximum=RECEIVE_MAXIMUM)
        self.center_client = make_client(cfg.center_broker, gateway_client_id(self.post))
        self.center_client.will_set(self._state_topic, offline, qos=1, retain=True)
        self.center_client.on_message = self._on_center_message
        self.center_client.on_publish = queue_pubacks(self._work.put)
        self.center_link = BrokerLink(cfg.center_broker, self.center_client, "center",
                                      on_up=lambda _s: self._work.put(LinkChange("center", True)),
                                      on_down=lambda: self._work.put(LinkChange("center", False)),
                                      waiting=self._backlog)

        self.sender: ReliableSender[Outgoing] = ReliableSender(
            self.outbox, cfg.outbox.ack_timeout_s, cfg.center_broker.inflight,
            position=lambda entry: entry.rowid, handle=lambda entry: entry.event_id,
            contiguous=False, same_message=_same_kiosk,
            max_awaiting=AWAITING_PER_WINDOW * cfg.center_broker.inflight)
        self._held: list[tuple[Received, list[Incoming]]] = []
        self._held_since = 0.0
        self._clock = ClockWatch(cfg.clock_jump_s, time.time(), time.monotonic())
        self._started_at = time.time()
        self._topics: dict[str, topics.KioskTopic] = {}

    def _backlog(self) -> int:
        """Events in the outbox the center has not acknowledged (for the outage log lines)."""
        return self.outbox.backlog()[0]

    def start(self) -> None:
        """Connect to both brokers and start relaying."""
        self._thread.start()
        self.post_link.start()
        self.center_link.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Publish an 'offline' state, disconnect both links, close the outbox."""
        self._stopping.set()
        self._thread.join(timeout)
        offline = state_payload("offline", post=self.post, reason="stopped", at=_now_iso())
        infos = [client.publish(self._state_topic, offline, qos=1, retain=True)
                 for client, link in ((self.center_client, self.center_link),
                                      (self.post_client, self.post_link)) if link.connected]
        wait_published(infos, 2.0)
        self.post_link.stop()
        self.center_link.stop()
        self.outbox.close()

    def wait_stopped(self) -> None:
        """Block until stop() is called from elsewhere (signal handler)."""
        while not self._stopping.wait(1.0):
            pass

    # paho callbacks (network threads): only enqueue

    def _on_post_message(self, client: mqtt.Client, userdata: Any,
                         message: mqtt.MQTTMessage) -> None:
        topic = message.topic
        if topic.endswith("/events"):
            self._work.put(Received(self.post_link.generation, message.mid, message.qos,
                                    topic, bytes(message.payload)))
            return
        if topic.endswith("/state"):
            self._work.put(Relayed(topic, bytes(message.payload)))
        client.ack(message.mid, message.qos)

    def _on_center_message(self, client: mqtt.Client, userdata: Any,
                           message: mqtt.MQTTMessage) -> None:
        self._work.put(Delivered(message.topic, bytes(message.payload)))

    # the worker thread

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._loop()
            except Exception:  # noqa: BLE001 - the relay must outlive one bad batch
                log.exception("gateway worker failed; reconnecting to get unacked events again")
                self.alarms.raise_("internal_error", "see the gateway log", sticky_s=600.0)
                # Un-PUBACKed kiosk events come back from the post broker after a reconnect.
                self._held = []
                self.post_client.disconnect()
                self._stopping.wait(1.0)

    def _loop(self) -> None:
        next_tick = next_state = next_purge = next_reclaim = 0.0
        while not self._stopping.is_set():
            items = drain(self._work, TICK_S, BATCH_MAX)
            received: list[Received] = []
            published: list[PubAck] = []
            acked_ids: list[str] = []
            for item in items:
                if isinstance(item, Received):
                    received.append(item)
                elif isinstance(item, PubAck):
                    published.append(item)
                elif isinstance(item, Delivered):
                    acked_ids += self._delivered(item)
                elif isinstance(item, Relayed) and self.center_link.connected:
                    # Kiosks repeat their state; queueing it through an outage would only
                    # fill paho's memory (and its 16-bit message ids).
                    self.center_client.publish(item.topic, item.payload, qos=1, retain=True)
                elif isinstance(item, LinkChange):
                    self._link_changed(item)
            if received:
                self._commit(received)
            elif self._held and time.monotonic() - self._held_since >= FULL_RETRY_S:
                self._commit([])
            if published:
                self._published(published)
            if acked_ids:
                self._center_acked(acked_ids)
            self._send()
            now = time.monotonic()
            if now >= next_tick:
                next_tick = now + TICK_S
                self._resend_due(now)
                self._watch_clock()
            if now >= next_state:
                next_state = now + self.cfg.state_interval_s
                self.publish_state()
            if now >= next_purge:
                next_purge = now + PURGE_EVERY_S
                self.outbox.purge(self.cfg.outbox.retention_s)
            if now >= next_reclaim:
                next_reclaim = now + RECLAIM_EVERY_S
                self.outbox.reclaim()

    def _commit(self, received: list[Received]) -> None:
        """Commit kiosk events to the outbox, then PUBACK them; hold them if the disk is full."""
        fresh: list[tuple[Received, list[Incoming]]] = []
        for item in received:
            events = self._check(item)
            if events:
                fresh.append((item, events))
            else:
                self._ack_kiosks([item])  # a malformed message must not come back forever
        batch = self._held + fresh
        try:
            added = self._add_making_room([event for _item, events in batch for event in events])
        except OutboxFull as exc:
            if self.alarms.raise_("disk_full", str(exc)):
                log.warning("gateway outbox full, holding %d kiosk events: %s", len(batch), exc)
                self.publish_state()
            self._held = batch
            self._held_since = time.monotonic()
            return
        self._held = []
        if self.alarms.clear("disk_full"):
            log.warning("gateway outbox writable again")
            self.publish_state()
        self.counters.received += len(added.new)
        self.sender.stored(added.new)
        self._ack_kiosks([item for item, _events in batch])
        if added.already_delivered:
            self._relay_acks(added.already_delivered)

    def _add_making_room(self, incoming: list[Incoming]) -> Added:
        try:
            return self.outbox.add(incoming)
        except OutboxFull:
            # Tombstones only spare the center a duplicate; events come first.
            if self.outbox.purge(0) == 0:
                raise
            return self.outbox.add(incoming)

    def _check(self, item: Received) -> list[Incoming]:
        """The usable events of one kiosk message (a malformed one is logged and dropped)."""
        topic = self._topics.get(item.topic)
        if topic is None:
            topic = topics.parse_kiosk_topic(item.topic)
            if topic is not None and len(self._topics) < 10_000:
                self._topics[item.topic] = topic
        if topic is None or topic.prov != self.prov or topic.post != self.post:
            self._malformed(item, Malformed("foreign_topic", item.topic[:80]))
            return []
        parts = split_events(item.payload)
        if isinstance(parts, Malformed):
            self._malformed(item, parts)
            return []
        events: list[Incoming] = []
        for data, payload in parts:
            event = check_event_object(data, topic)
            if isinstance(event, Malformed):
                self._malformed(item, event)
            else:
                events.append(Incoming(event["event_id"], topic.kiosk, item.topic, payload))
        return events

    def _malformed(self, item: Received, problem: Malformed) -> None:
        self.counters.malformed += 1
        # The reason code only: the detail quotes the message, which may name a traveller.
        log.warning("dropping malformed kiosk message on %s: %s", item.topic, problem.reason)

    def _ack_kiosks(self, items: list[Received]) -> None:
        generation = self.post_link.generation
        for item in items:
            # A PUBACK for a mid of an earlier connection could name another message now.
            if item.generation == generation:
                self.post_client.ack(item.mid, item.qos)

    def _send(self) -> None:
        """Publish pending events upstream while the window has room."""
        if self.center_link.connected:
            self.counters.published += self.sender.send(self._publish_batch)

    def _publish_batch(self, batch: list[Outgoing]) -> int | None:
        info = self.center_client.publish(
            batch[0].topic, events_payload([entry.payload for entry in batch]), qos=1)
        return info.mid if info.rc in (mqtt.MQTT_ERR_SUCCESS, mqtt.MQTT_ERR_NO_CONN) else None

    def _published(self, results: list[PubAck]) -> None:
        now = time.monotonic()
        for result in results:
            outcome = self.sender.published(result.mid, result.reason, now)
            if outcome is None:
                continue
            events = len(outcome.batch)
            if outcome.refused:
                # e.g. 135 Not authorized: the broker did not take it; it is not delivered.
                self.counters.refused += events
                topic = outcome.batch[0].topic
                if self.alarms.raise_("publish_refused", f"{result.name} on {topic}"):
                    log.warning("provincial broker refused %s: %s", topic, result.name)
            else:
                self.counters.accepted += events
                self.counters.unrouted += events if outcome.unrouted else 0

    def _resend_due(self, now: float) -> None:
        """Send again events whose ack has not come in time (the center or broker lost them)."""
        self.counters.resent += self.sender.resend_due(now)

    def _delivered(self, item: Delivered) -> list[str]:
        if item.topic == topics.post_acks(self.prov, self.post):
            ids = parse_acks(item.payload)
            if isinstance(ids, Malformed):
                log.warning("ignoring malformed ack message: %s", ids.reason)
                return []
            return ids
        if item.topic in (topics.policy(self.prov), topics.trust(self.prov)):
            kind = POLICY_KIND if item.topic == topics.policy(self.prov) else TRUST_KIND
            self._fan_out(kind, item.topic, item.payload)
        return []

    def _center_acked(self, event_ids: list[str]) -> None:
        try:
            acked = self.outbox.ack(event_ids)
        except OutboxFull as exc:
            self.alarms.raise_("disk_full", str(exc))
            return
        self.counters.acked += self.sender.acked([event_id for event_id, _kiosk in acked])
        self._relay_acks(acked)

    def _relay_acks(self, acked: list[tuple[str, str]]) -> None:
        if not self.post_link.connected:
            return  # the kiosks will send these again and get the ack from the tombstones
        by_kiosk: dict[str, list[str]] = {}
        for event_id, kiosk in acked:
            by_kiosk.setdefault(kiosk, []).append(event_id)
        for kiosk, ids in by_kiosk.items():
            for payload in acks_payloads(ids):
                self.post_client.publish(topics.kiosk_acks(self.prov, self.post, kiosk),
                                         payload, qos=1)

    def _fan_out(self, kind: str, topic: str, payload: bytes) -> None:
        """Verify a signed policy/trust document and re-publish it to the kiosks if newer."""
        if not payload:
            return
        if not self.keys:
            self.alarms.raise_("no_center_keys")
            return
        # A poisoned retained message is only its own rejection (accept_document never
        # raises); otherwise it would fail the worker again on every reconnect.
        current = self.outbox.doc(kind)
        result = accept_document(kind, payload, current[0] if current else None, self.keys,
                                 " from the center")
        if isinstance(result, DocRejected):
            if result.reason != "not_newer":
                self.counters.docs_rejected += 1
            return
        self.outbox.put_doc(kind, result.version, result.envelope)
        self.counters.docs_accepted += 1
        self._publish_doc(topic, result.envelope)

    def _publish_doc(self, topic: str, envelope: dict[str, Any]) -> None:
        self.post_client.publish(topic, json.dumps(envelope, ensure_ascii=False).encode(),
                                 qos=1, retain=True)

    def _link_changed(self, change: LinkChange) -> None:
        if change.link == "post":
            if change.up:
                self.post_client.subscribe([
                    (topics.all_kiosk_events(self.prov, self.post), SubscribeOptions(qos=1)),
                    (topics.all_kiosk_states(self.prov, self.post), SubscribeOptions(qos=1))])
                for kind, topic in ((POLICY_KIND, topics.policy(self.prov)),
                                    (TRUST_KIND, topics.trust(self.prov))):
                    doc = self.outbox.doc(kind)
                    if doc is not None:
                        self._publish_doc(topic, doc[1])
            return
        if change.up:
            self.alarms.clear("uplink_refused")
            self.center_client.subscribe([
                (topics.post_acks(self.prov, self.post), SubscribeOptions(qos=1)),
                (topics.policy(self.prov), SubscribeOptions(qos=1)),
                (topics.trust(self.prov), SubscribeOptions(qos=1))])
        self.publish_state()

    def _watch_clock(self) -> None:
        jump = self._clock.check(time.time(), time.monotonic())
        if jump is not None:
            log.warning("system clock jumped by %.1f s", jump)
            self.alarms.raise_("clock_jump", f"{jump:+.1f} s", sticky_s=600.0)
            self.publish_state()
        refused = self.center_link.stats.last_error.startswith("refused")
        if refused and not self.center_link.connected:
            self.alarms.raise_("uplink_refused", self.center_link.stats.last_error)

    def state(self) -> dict[str, Any]:
        """The gateway's state as published (retained) on both brokers."""
        backlog, oldest = self.outbox.backlog()
        policy, trust = self.outbox.doc(POLICY_KIND), self.outbox.doc(TRUST_KIND)
        return {
            "post": self.post, "at": _now_iso(), "backlog": backlog,
            "oldest_pending_age_s": round(time.time() - oldest, 3) if oldest else None,
            "inflight": self.sender.inflight_events, "awaiting_ack": self.sender.awaiting_ack,
            "held_disk_full": len(self._held),
            "uplink": {**self.center_link.stats.to_json(), **vars(self.counters)},
            "post_link": {"connected": self.post_link.connected},
            "policy_version": policy[0] if policy else None,
            "trust_version": trust[0] if trust else None,
            "alarms": [a.to_json() for a in self.alarms.active()],
            "started_at": round(self._started_at, 3),
        }

    def publish_state(self) -> None:
        """Publish the retained state on both brokers (queued while a link is down)."""
        payload = state_payload("online", **self.state())
        for client, link in ((self.center_client, self.center_link),
                             (self.post_client, self.post_link)):
            if link.connected:
                client.publish(self._state_topic, payload, qos=1, retain=True)


def _same_kiosk(first: Outgoing, other: Outgoing) -> bool:
    return first.topic == other.topic


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
