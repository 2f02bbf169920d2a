"""Center ingest: events from the provincial broker into the store, exactly once, then acks.

Events come in on one session per group of posts (center/post_sessions.py), each with its
own bounded broker queue; several instances split each post's events through shared
subscriptions. A message (one event or a batch of one kiosk's events) is PUBACKed only after
its events are committed, so a center killed mid-batch gets it again from the broker; the ack
to the gateway goes out after the same commit, so a gateway purges only what the store holds.
Duplicates are ignored by event_id and acknowledged again.

Each post gets a fair share counted in events (center/limits.py), decided as a message
arrives, before it is parsed or queued; the messages taken in wait in their post's queue and
are taken round-robin (center/post_queues.py), so a flood delays no other post's events.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import paho.mqtt.client as mqtt
from paho.mqtt.subscribeoptions import SubscribeOptions

from center.config import CenterConfig
from center.limits import FairShare, QuarantineBudget, cost_of, events_in
from center.post_queues import PostQueues
from center.post_sessions import Session, open_sessions, post_groups
from center.storable_json import dumps, event_messages, mend, needs_mending
from center.store import Store
from infra import topics
from infra.mqtt import BrokerLink, make_client
from infra.wire import Malformed, acks_payloads, check_event

log = logging.getLogger(__name__)

TICK_S = 0.25
# A held-back message's PUBACK waits (see _on_message): HELD_ACKS are released every HOLD_S,
# so the center reads that many messages a second of the posts over their share.
HOLD_S = 1.0
HELD_ACKS = 32


class Refusal(Protocol):
    """Why a message cannot be stored as an event (e.g. infra.wire.Malformed)."""

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
    session: Session | None = None  # None: the main client


@dataclass
class IngestCounters:
    """What ingest did since it started."""

    received: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    acks_sent: int = 0
    errors: int = 0
    held_back: int = 0  # events over a post's share: PUBACKed, not acknowledged to the gateway
    held_back_messages: int = 0
    quarantine_uncounted: int = 0  # over a post's quarantine budget: alerted, not kept
    by_post: dict[str, int] = field(default_factory=dict)


class CenterIngest:
    """Subscribes, stores, acknowledges; `start()` runs it in the background."""

    _main: Session

    def __init__(self, cfg: CenterConfig, store: Store, check: EventCheck = light_check,
                 on_stored: Callable[[list[dict[str, Any]]], None] | None = None,
                 on_held_back: Callable[[str, int], None] | None = None,
                 keep_state: Callable[[str, str | None], bool] | None = None,
                 posts: Sequence[str] = ()) -> None:
        self.cfg, self.store, self._check, self._on_stored = cfg, store, check, on_stored
        # Which devices' states the store keeps (the watch's roster): not made-up ones.
        self._keep_state = keep_state or (lambda post, kiosk: True)
        self.prov = cfg.province
        self.counters = IngestCounters()
        limits = cfg.ingest
        self._share = FairShare(limits.post_share_per_s, limits.post_share_burst,
                                limits.share_quiet_s)
        self._budget = QuarantineBudget(limits.quarantine_per_post_hour)
        self._on_held_back = on_held_back
        self._held_back: dict[str, int] = {}
        self._held_lock = threading.Lock()
        self._held_acks: list[tuple[Session, int, int, int]] = []
        self._acks_released = 0.0
        self._work: PostQueues[_Event | _Message] = PostQueues(limits.quantum)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="center-ingest", daemon=True)
        self.client = make_client(cfg.broker, cfg.instance, manual_ack=True)
        self.client.on_message = lambda _c, _u, message: self._on_message(self._main, message)
        self.link = BrokerLink(cfg.broker, self.client, "center", on_up=self._subscribe)
        self._main = Session(self.client, self.link)
        self.sessions = open_sessions(cfg.broker, cfg.broker.client_id or cfg.instance,
                                      self.prov, post_groups(posts, limits.sessions),
                                      limits.share_group, limits.window, self._on_message)

    def start(self) -> None:
        """Connect and start ingesting."""
        self._thread.start()
        self.link.start()
        for session in self.sessions:
            session.link.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Finish the current batch and disconnect."""
        self._stopping.set()
        self._thread.join(timeout)
        for session in self.sessions:
            session.link.stop()
        self.link.stop()

    def _subscribe(self, _session_present: bool) -> None:
        self.client.subscribe([(topics.all_kiosk_states(self.prov), SubscribeOptions(qos=1)),
                               (topics.all_gateway_states(self.prov), SubscribeOptions(qos=1))])
        # Events came on this session before they had sessions of their own; a session
        # kept by the broker from then would still receive them here.
        self.client.unsubscribe(topics.shared(topics.all_kiosk_events(self.prov),
                                              self.cfg.ingest.share_group))

    def _on_message(self, session: Session, message: mqtt.MQTTMessage) -> None:
        payload = bytes(message.payload)
        event = _Event(session.link.generation, message.mid, message.qos, message.topic,
                       payload, session)
        where = topics.parse_kiosk_topic(message.topic)
        if where is None or where.leaf != "events":
            gateway = topics.parse_gateway_state_topic(message.topic)
            lane = where.post if where else gateway[1] if gateway else ""
            self._work.put(lane, event, 1)
            return
        cost = cost_of(payload)
        with self._held_lock:
            admitted = self._share.admit(where.post, cost, time.monotonic())
            if not admitted:
                self._held_back[where.post] = self._held_back.get(where.post, 0) \
                    + events_in(payload)
                self.counters.held_back_messages += 1
        if admitted:
            self._work.put(where.post, event, cost)
            return
        # Over the post's share: dropped here, before it costs a parse or a queue slot, and
        # not acknowledged end to end, so a real event comes again from the gateway later.
        if message.qos == 0:
            return
        if len(session.posts) == 1:
            # A session of its own: PUBACKed only after HOLD_S, so its window fills and the
            # broker keeps the flood in that session's bounded queue instead of this
            # process reading it at full speed (which took the other posts' CPU).
            with self._held_lock:
                self._held_acks.append((session, event.generation, message.mid, message.qos))
        else:
            session.client.ack(message.mid, message.qos)  # its group mates' window stays open

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._report_held_back()
            with self._held_lock:
                contended = self._share.contended(time.monotonic())
            # With several posts sending, small commits: another post's event then waits
            # for one quantum of a flood's, never for a whole batch of it.
            limit = self.cfg.ingest.quantum if contended else self.cfg.ingest.batch_max
            items = self._work.take(limit, TICK_S)
            if not items:
                continue
            try:
                self._ingest(items, chunk=self.cfg.ingest.quantum if contended else None)
            except Exception:  # noqa: BLE001 - ingest must outlive one bad batch
                # Nothing of the batch was PUBACKed: after a reconnect the broker sends it again.
                log.exception("center ingest failed on a batch; reconnecting")
                self.counters.errors += 1
                for session in (self._main, *self.sessions):
                    session.client.disconnect()
                self._stopping.wait(1.0)

    def _report_held_back(self) -> None:
        now = time.monotonic()
        with self._held_lock:
            held, self._held_back = self._held_back, {}
            acks = []
            if now - self._acks_released >= HOLD_S:
                # Stale ones (the session reconnected since) are redelivered by the broker.
                live = [a for a in self._held_acks if a[1] == a[0].link.generation]
                acks, self._held_acks = live[:HELD_ACKS], live[HELD_ACKS:]
                self._acks_released = now
        for session, _generation, mid, qos in acks:
            session.client.ack(mid, qos)
        for post, count in held.items():
            self.counters.held_back += count
            log.warning("center ingest: post %s over its share, %d events held back", post,
                        count)
            if self._on_held_back is not None:
                try:
                    self._on_held_back(post, count)
                except Exception:  # noqa: BLE001 - an alert must not stop ingest
                    log.exception("center ingest: the rate alert of %s failed", post)

    def _ingest(self, items: list[_Event | _Message], chunk: int | None = None) -> None:
        """Store a batch in one commit, then PUBACK it and ack each post's events.

        With `chunk`, a message of more events commits only that many now; the rest goes back
        to the front of its post's queue and the message is PUBACKed with its last chunk
        (while several posts send, no commit holds more than a quantum of one post's).
        Should the batch's commit fail, each message is committed on its own, and one that
        still fails is quarantined whole: a message the store cannot take must not hold back
        the others, nor come back after every reconnect. Only a store that cannot even take
        the quarantine row (it is down) leaves the batch unacknowledged.
        """
        now = datetime.now(UTC)
        parts = [item if isinstance(item, _Message) else self._sort(item, now)
                 for item in items]
        if chunk is not None:
            parts = [self._first_chunk(part, chunk) for part in parts]
        try:
            stored = self._commit(parts, now)
        except Exception:  # noqa: BLE001 - find the message at fault, keep the others
            log.exception("center ingest: a batch failed to commit; committing its %d "
                          "messages one by one", len(parts))
            stored = []
            for part in parts:
                try:
                    stored += self._commit([part], now)
                except Exception:  # noqa: BLE001 - a piece of this message is at fault
                    stored += self._commit_piecewise(part, now)
        for part in parts:
            item, session = part.item, part.item.session or self._main
            if part.whole and item.generation == session.link.generation and item.qos > 0:
                session.client.ack(item.mid, item.qos)
        acks: dict[str, list[str]] = {}
        for part in parts:
            for post, event_id in part.acks:
                acks.setdefault(post, []).append(event_id)
        for post, ids in acks.items():
            for payload in acks_payloads(ids):
                self.client.publish(topics.post_acks(self.prov, post), payload, qos=1)
                self.counters.acks_sent += 1
        self._count(parts, stored)

    def _first_chunk(self, part: _Message, size: int) -> _Message:
        """The first `size` events of a message to commit now; the rest queued first."""
        if len(part.events) <= size:
            return part
        later = {event["event_id"] for event in part.events[size:]}
        rest = _Message(part.item, part.events[size:], part.payloads[size:],
                        acks=[a for a in part.acks if a[1] in later])
        where = topics.parse_kiosk_topic(part.item.topic)
        self._work.put_front(where.post if where else "", rest, len(rest.events))
        return _Message(part.item, part.events[:size], part.payloads[:size], part.refused,
                        part.states, [a for a in part.acks if a[1] not in later], whole=False)

    def _sort(self, item: _Event, now: datetime) -> _Message:
        """What one message asks of the store; whatever goes wrong here quarantines it."""
        part = _Message(item)
        try:
            kiosk_topic = topics.parse_kiosk_topic(item.topic)
            if kiosk_topic is not None and kiosk_topic.leaf == "events":
                for payload in event_messages(item.payload):
                    self._sort_event(part, kiosk_topic.post, kiosk_topic.kiosk, payload, now)
            elif kiosk_topic is not None:
                if self._keep_state(kiosk_topic.post, kiosk_topic.kiosk):
                    part.states.append((item.topic, "kiosk", kiosk_topic.post,
                                        kiosk_topic.kiosk, item.payload))
            elif (gw := topics.parse_gateway_state_topic(item.topic)) is not None \
                    and self._keep_state(gw[1], None):
                part.states.append((item.topic, "gateway", gw[1], None, item.payload))
        except Exception as exc:  # noqa: BLE001 - a bug met by one message stops only it
            log.exception("center ingest: checking a message on %s failed", item.topic)
            return _Message(item, refused=[_whole(item, "check_failed", repr(exc))])
        return part

    def _sort_event(self, part: _Message, post: str, kiosk: str, payload: bytes,
                    now: datetime) -> None:
        result = self._check(payload, post, kiosk, now)
        if isinstance(result, dict):
            if needs_mending(payload):  # a check that parsed it without decode.loads
                result = mend(result)
                payload = dumps(result)
            part.events.append(result)
            part.payloads.append(payload)
            part.acks.append((post, result["event_id"]))
            return
        event_id = _event_id_of(result)
        if not self._budget.admit(post, now.timestamp()):
            # Over the post's budget: kept nowhere, so not acknowledged either; the gateway
            # sends it again later (the alert raised by the check counts it).
            self.counters.quarantine_uncounted += 1
            return
        part.refused.append((part.item.topic, post, kiosk, event_id, result.reason,
                             result.detail, payload))
        if event_id is not None and getattr(result, "acknowledge", True):
            # Kept in quarantine: acknowledged, or the gateway would resend it forever.
            part.acks.append((post, event_id))

    def _commit(self, parts: list[_Message], now: datetime) -> list[dict[str, Any]]:
        """Events, then quarantine and states; alerts and notices as soon as events are in."""
        events = [event for part in parts for event in part.events]
        payloads = [payload for part in parts for payload in part.payloads]
        stored = self.store.add_events(events, now.timestamp(), payloads) if events else []
        # Announced at once: a later step failing must not lose the notices of these, since
        # a redelivery finds them stored already and announces nothing.
        self._announce(stored)
        refused = [row for part in parts for row in part.refused]
        if refused:
            self.store.add_quarantined(refused)
        states = [state for part in parts for state in part.states]
        if states:
            self.store.set_states(states)
        return stored

    def _commit_piecewise(self, part: _Message, now: datetime) -> list[dict[str, Any]]:
        """Commit a message the store refused one event at a time; an event the store still
        refuses is quarantined alone, so the others of its batch are stored, not lost.

        Raises if the store cannot take even a quarantine row (it is down): then nothing of
        the batch is acknowledged and the broker sends it again.
        """
        event_ids = {event["event_id"] for event in part.events}
        pieces = [_Message(part.item, events=[event], payloads=[payload],
                           acks=[(event["post"], event["event_id"])])
                  for event, payload in zip(part.events, part.payloads, strict=True)]
        pieces.append(_Message(part.item, refused=part.refused, states=part.states,
                               acks=[a for a in part.acks if a[1] not in event_ids]))
        stored: list[dict[str, Any]] = []
        for piece in pieces:
            try:
                stored += self._commit([piece], now)
            except Exception as exc:  # noqa: BLE001 - this piece is at fault
                self._quarantine_piece(piece, exc)
        # Counted as what became of each piece: stored, or kept aside.
        part.events = [e for piece in pieces[:-1] if not piece.refused for e in piece.events]
        part.refused = [row for piece in pieces for row in piece.refused]
        return stored

    def _quarantine_piece(self, piece: _Message, exc: Exception) -> None:
        """Keep a piece the store refused as quarantine rows (one per event, else the whole
        message as an excerpt); its events are then acknowledged with the others."""
        # The exception's text may quote the event: its type names the fault.
        log.warning("center ingest: quarantining part of a message on %s the store refused "
                    "(event %s): %s", piece.item.topic,
                    piece.events[0]["event_id"] if piece.events else None, type(exc).__name__)
        kiosk_topic = topics.parse_kiosk_topic(piece.item.topic)
        if piece.events and kiosk_topic is not None:
            event, payload = piece.events[0], piece.payloads[0]
            row: QuarantineRow = (piece.item.topic, kiosk_topic.post, kiosk_topic.kiosk,
                                  event["event_id"], "unstorable", repr(exc)[:200], payload)
        else:
            row = _whole(piece.item, "unstorable", repr(exc))
        self.store.add_quarantined([row])
        piece.refused = [row]

    def _announce(self, stored: list[dict[str, Any]]) -> None:
        if not stored or self._on_stored is None:
            return
        try:
            self._on_stored(stored)
        except Exception:  # noqa: BLE001 - the events are stored; the watch logs its part
            log.exception("center ingest: alerts and notices of %d stored events failed",
                          len(stored))

    def _count(self, parts: list[_Message], stored: list[dict[str, Any]]) -> None:
        events = sum(len(part.events) for part in parts)
        refused = [row for part in parts for row in part.refused]
        self.counters.received += events + len(refused)
        self.counters.stored += len(stored)
        self.counters.duplicates += max(0, events - len(stored))
        self.counters.quarantined += len(refused)
        for event in stored:
            self.counters.by_post[event["post"]] = self.counters.by_post.get(event["post"], 0) + 1
        if refused:
            # Event id and reason code only: the detail may quote a traveller's data.
            log.warning("quarantined %d messages, e.g. event %s on %s: %s", len(refused),
                        refused[0][3], refused[0][0], refused[0][4])


QuarantineRow = tuple[str, "str | None", "str | None", "str | None", str, str, bytes]
StateRow = tuple[str, str, str, "str | None", bytes]


@dataclass
class _Message:
    """One MQTT message's share of a batch: what to store, keep aside and acknowledge."""

    item: _Event
    events: list[dict[str, Any]] = field(default_factory=list)
    payloads: list[bytes] = field(default_factory=list)
    refused: list[QuarantineRow] = field(default_factory=list)
    states: list[StateRow] = field(default_factory=list)
    acks: list[tuple[str, str]] = field(default_factory=list)
    whole: bool = True  # False: more of the message is still queued (not PUBACKed yet)


def _whole(item: _Event, reason: str, detail: str) -> QuarantineRow:
    kiosk_topic = topics.parse_kiosk_topic(item.topic)
    gateway = topics.parse_gateway_state_topic(item.topic)
    post = kiosk_topic.post if kiosk_topic else gateway[1] if gateway else None
    return (item.topic, post, kiosk_topic.kiosk if kiosk_topic else None, None, reason,
            detail[:200], item.payload)


def _event_id_of(refusal: Refusal) -> str | None:
    event_id = getattr(refusal, "event_id", None)
    return event_id if isinstance(event_id, str) and len(event_id) == 26 else None


__all__ = ["CenterIngest", "EventCheck", "IngestCounters", "Malformed", "light_check"]
