"""A kiosk's link to its post broker: journal events out, acks, policy and trust back in.

Events leave in journal order with QoS 1 (a backlog several to a message, see infra.wire)
and stay in the journal until the center's ack comes back through the gateway; an event with
no ack after resend_after_s is sent again (the gateway's outbox and the center both ignore
duplicates). Policy and trust documents are accepted only when signed by the center and
newer than the one in force; accepted ones are kept in the journal with their versions, so a
restart refuses older ones too. A document that cannot be used costs only itself, and any
failure of the loop is logged, alarmed (`internal_error`) and the loop started again.
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.subscribeoptions import SubscribeOptions

from infra import topics
from infra.alarms import Alarms
from infra.client_ids import kiosk_client_id
from infra.doc_store import accept_document, verified_docs
from infra.mqtt import BrokerLink, PubAck, drain, make_client, queue_pubacks, wait_published
from infra.reliable_sender import ReliableSender
from infra.wire import Malformed, events_payload, parse_acks, state_payload
from kiosk_ui.journal import Entry, Journal
from kiosk_ui.link_config import KioskLinkConfig
from screening.keys import VerifyKey, keyring
from screening.policy import POLICY_KIND
from screening.signed_doc import DocRejected, SignedDoc
from screening.trust import TRUST_KIND

log = logging.getLogger(__name__)

TICK_S = 0.25
PURGE_EVERY_S = 60.0
RESTART_PAUSE_S = 1.0
RESTART_ALARM_S = 600.0  # the restart stays visible to staff and the center this long


@dataclass(frozen=True)
class _Recorded:
    entries: list[Entry]


@dataclass(frozen=True)
class _Message:
    topic: str
    payload: bytes


@dataclass(frozen=True)
class _Up:
    up: bool


class KioskLink:
    """Runs in the background beside the kiosk; `start()`, then `stop()` on the way out."""

    def __init__(self, cfg: KioskLinkConfig, journal: Journal,
                 center_keys: list[VerifyKey] | None = None,
                 on_doc: Callable[[SignedDoc], None] | None = None,
                 doc_versions: dict[str, int] | None = None,
                 extra_state: Callable[[], dict[str, Any]] | None = None) -> None:
        self.cfg, self.journal = cfg, journal
        self.prov, self.post, self.kiosk = cfg.province, cfg.post, cfg.kiosk
        self.keys = keyring(center_keys or [])
        self.docs_versions: dict[str, int] = dict(doc_versions or {})
        for kind, doc in verified_docs(journal, self.keys).items():
            self.docs_versions[kind] = max(doc.version, self.docs_versions.get(kind, 0))
        self.alarms = Alarms()
        self.counters = {"published": 0, "accepted": 0, "refused": 0, "acked": 0, "resent": 0,
                         "docs_accepted": 0, "docs_rejected": 0}
        self._on_doc, self._extra_state = on_doc, extra_state
        self._work: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"kiosk-link-{self.kiosk}",
                                        daemon=True)
        self._state_topic = topics.kiosk_state(self.prov, self.post, self.kiosk)
        self._events_topic = topics.kiosk_events(self.prov, self.post, self.kiosk)
        self._acks_topic = topics.kiosk_acks(self.prov, self.post, self.kiosk)
        self.client = make_client(cfg.broker, kiosk_client_id(self.post, self.kiosk))
        self.client.will_set(self._state_topic, state_payload(
            "offline", post=self.post, kiosk=self.kiosk, reason="connection_lost"),
            qos=1, retain=True)
        self.client.on_message = lambda _c, _u, m: self._work.put(
            _Message(m.topic, bytes(m.payload)))
        self.client.on_publish = queue_pubacks(self._work.put)
        self.link = BrokerLink(cfg.broker, self.client, "post",
                               on_up=lambda _s: self._work.put(_Up(True)),
                               on_down=lambda: self._work.put(_Up(False)),
                               waiting=lambda: int(journal.counts()["pending"]))
        self.sender: ReliableSender[Entry] = ReliableSender(
            journal, cfg.resend_after_s, cfg.broker.inflight,
            position=lambda entry: entry.seq, handle=lambda entry: entry.seq, contiguous=True)
        self.sending = threading.Event()  # set once a connection is up and handled
        journal.add_listener(lambda entries: self._work.put(_Recorded(entries)))

    def start(self) -> None:
        """Connect and start sending the journal's unacknowledged events."""
        self._thread.start()
        self.link.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Publish an 'offline' state and disconnect; the journal stays open (caller owns it)."""
        self._stopping.set()
        self._thread.join(timeout)
        if self.link.connected:
            info = self.client.publish(self._state_topic, state_payload(
                "offline", post=self.post, kiosk=self.kiosk, reason="stopped"),
                qos=1, retain=True)
            wait_published([info], 2.0)
        self.link.stop()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._loop()
            except Exception as exc:  # noqa: BLE001 - a dead link thread leaves events pending
                log.exception("kiosk link failed; starting it again")
                # repr: the detail goes into the state payload, so no lone surrogates in it.
                self.alarms.raise_("internal_error", repr(exc)[:200], sticky_s=RESTART_ALARM_S)
                self._forget_sending()
                self._stopping.wait(RESTART_PAUSE_S)
                if self.link.connected:
                    # The failed round may have dropped the connection's own news (its
                    # subscriptions): handle it again, so acks, policy and trust still arrive.
                    self._work.put(_Up(True))

    def _forget_sending(self) -> None:
        """Start sending afresh from the journal: what was in flight goes again (the gateway
        and the center drop duplicates), late PUBACKs of the old window are ignored."""
        self.sender.forget()

    def _loop(self) -> None:
        next_tick = next_state = next_purge = 0.0
        while not self._stopping.is_set():
            items = drain(self._work, TICK_S, 2000)
            if items:
                self._handle(items)
            self._send()
            now = time.monotonic()
            if now >= next_tick:
                next_tick = now + TICK_S
                self.counters["resent"] += self.sender.resend_due(now)
            if now >= next_state:
                next_state = now + self.cfg.state_interval_s
                self.publish_state()
            if now >= next_purge:
                next_purge = now + PURGE_EVERY_S
                self.journal.purge(self.cfg.journal.retention_s)

    def _handle(self, items: list[Any]) -> None:
        acked: list[str] = []
        for item in items:
            if isinstance(item, _Recorded):
                self.sender.stored(item.entries)
            elif isinstance(item, PubAck):
                self._published(item)
            elif isinstance(item, _Message):
                acked += self._message(item)
            elif isinstance(item, _Up) and item.up:
                self.client.subscribe([(self._acks_topic, SubscribeOptions(qos=1)),
                                       (topics.policy(self.prov), SubscribeOptions(qos=1)),
                                       (topics.trust(self.prov), SubscribeOptions(qos=1))])
                self.publish_state()
                self.sending.set()
            elif isinstance(item, _Up):
                self.sending.clear()
        if acked:
            self.counters["acked"] += self.journal.ack(acked)
            self.sender.acked(acked)

    def _send(self) -> None:
        if self.link.connected:
            self.counters["published"] += self.sender.send(self._publish_batch)

    def _publish_batch(self, batch: list[Entry]) -> int | None:
        info = self.client.publish(self._events_topic,
                                   events_payload([entry.payload for entry in batch]), qos=1)
        return info.mid if info.rc in (mqtt.MQTT_ERR_SUCCESS, mqtt.MQTT_ERR_NO_CONN) else None

    def _published(self, result: PubAck) -> None:
        outcome = self.sender.published(result.mid, result.reason, time.monotonic())
        if outcome is None:
            return
        if outcome.refused:
            self.counters["refused"] += len(outcome.batch)
            self.alarms.raise_("publish_refused", result.name)
        else:
            self.counters["accepted"] += len(outcome.batch)

    def _message(self, item: _Message) -> list[str]:
        if item.topic == self._acks_topic:
            ids = parse_acks(item.payload)
            if isinstance(ids, Malformed):
                log.warning("ignoring malformed ack message: %s", ids.reason)
                return []
            return ids
        kind = {topics.policy(self.prov): POLICY_KIND,
                topics.trust(self.prov): TRUST_KIND}.get(item.topic)
        if kind is not None and item.payload:
            self._offer_doc(kind, item.payload)
        return []

    def _offer_doc(self, kind: str, payload: bytes) -> None:
        result = accept_document(kind, payload, self.docs_versions.get(kind), self.keys)
        if isinstance(result, DocRejected):
            if result.reason != "not_newer":
                self.counters["docs_rejected"] += 1
            return
        # Put in force first (it checks the body), then keep it: a restart must know it.
        if self._on_doc is not None:
            try:
                self._on_doc(result)
            except Exception as exc:  # noqa: BLE001 - a body the kiosk cannot use is rejected
                self.counters["docs_rejected"] += 1
                log.warning("rejected %s: unusable %r", kind, exc)
                return
        self.docs_versions[kind] = result.version
        try:
            self.journal.put_doc(kind, result.version, result.envelope)
        except sqlite3.Error as exc:
            log.warning("%s v%d is in force but could not be kept: %s", kind, result.version, exc)
            self.alarms.raise_("store_error", str(exc))
        self.counters["docs_accepted"] += 1

    def state(self) -> dict[str, Any]:
        """The kiosk's state as published (retained) on the post broker."""
        counts = self.journal.counts()
        return {"post": self.post, "kiosk": self.kiosk,
                "at": datetime.now(UTC).isoformat(timespec="milliseconds")
                .replace("+00:00", "Z"),
                "pending": counts["pending"], "last_seq": counts["last_seq"],
                "oldest_pending_age_s": counts["oldest_pending_age_s"],
                "policy_version": self.docs_versions.get(POLICY_KIND),
                "trust_version": self.docs_versions.get(TRUST_KIND),
                "link": {**self.link.stats.to_json(), **self.counters},
                "alarms": [a.to_json() for a in self.alarms.active()],
                **(self._extra_state() if self._extra_state else {})}

    def publish_state(self) -> None:
        """Publish the retained state (skipped while the link is down)."""
        if self.link.connected:
            self.client.publish(self._state_topic, state_payload("online", **self.state()),
                                qos=1, retain=True)
