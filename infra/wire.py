"""JSON payloads on the wire: events and event batches, acks, state. Pure functions.

An events message carries one event object, or, when several of one kiosk are waiting, a
batch: {"schema": 1, "type": "batch", "events": [event, ...]}. Batching is what lets a relay
that commits every event to disk keep up with a plain publisher: the broker round trip, the
PUBACK and the commit are paid once per message, not once per event.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from infra.topics import KioskTopic

SCHEMA = 1
MAX_SEQ = 2**63 - 1  # what SQLite and PostgreSQL integers hold
BATCH = "batch"
ULID_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
MAX_ACK_IDS = 10_000
ACK_CHUNK = 5_000  # ids per ack message sent: about 150 KB, well within both limits
# A batch stays well under any broker's packet limit and one commit's worth of work.
MAX_BATCH_EVENTS = 200
MAX_BATCH_BYTES = 256 * 1024


@dataclass(frozen=True)
class Malformed:
    """A payload that cannot be used, and why (logged, counted, never raised)."""

    reason: str
    detail: str = ""


def check_event(payload: bytes, topic: KioskTopic) -> dict[str, Any] | Malformed:
    """The event JSON if it is an event of the kiosk its topic names; Malformed otherwise."""
    try:
        event = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        return Malformed("not_json", str(exc)[:120])
    return check_event_object(event, topic)


def check_event_object(event: Any, topic: KioskTopic) -> dict[str, Any] | Malformed:
    """check_event on JSON already parsed (an element of a batch)."""
    if not isinstance(event, dict):
        return Malformed("not_object")
    if event.get("schema") != SCHEMA:
        return Malformed("wrong_schema", repr(event.get("schema"))[:40])
    event_id = event.get("event_id")
    if not isinstance(event_id, str) or not ULID_RE.match(event_id):
        return Malformed("bad_event_id", repr(event_id)[:40])
    seq = event.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or not 1 <= seq <= MAX_SEQ:
        return Malformed("bad_seq", repr(seq)[:40])
    if event.get("post") != topic.post or event.get("kiosk") != topic.kiosk:
        return Malformed("topic_mismatch", f"{event.get('post')}/{event.get('kiosk')}"[:80])
    if event.get("type") not in ("scan", "staff_action") or not isinstance(event.get("at"), str):
        return Malformed("bad_type_or_time")
    return event


def is_batch(data: Any) -> bool:
    """True for a parsed batch message (as opposed to a single event)."""
    return isinstance(data, dict) and data.get("type") == BATCH


def events_payload(payloads: Sequence[bytes]) -> bytes:
    """One events message for the events' JSON: the event itself, or a batch of several."""
    if len(payloads) == 1:
        return payloads[0]
    return b'{"schema":1,"type":"batch","events":[' + b",".join(payloads) + b"]}"


def split_events(payload: bytes) -> list[tuple[Any, bytes]] | Malformed:
    """The (parsed JSON, bytes) of each event an events message carries, unchecked.

    A single event keeps its exact bytes; a batch's events are written out again compactly,
    since they are stored and forwarded one by one.
    """
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        return Malformed("not_json", str(exc)[:120])
    if not is_batch(data):
        return [(data, payload)]
    events = data.get("events")
    if data.get("schema") != SCHEMA:
        return Malformed("wrong_schema", repr(data.get("schema"))[:40])
    if not isinstance(events, list) or not 1 <= len(events) <= MAX_BATCH_EVENTS:
        return Malformed("bad_batch", f"events must be a list of 1..{MAX_BATCH_EVENTS}")
    try:
        return [(event, event_bytes(event)) for event in events]
    except UnicodeEncodeError:  # a lone surrogate ("\ud800") is valid JSON, not valid UTF-8
        return Malformed("bad_text", "an event holds text that is not valid Unicode")


def event_bytes(event: Any) -> bytes:
    """An event's JSON as the relay stores and forwards it."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()


def acks_payload(event_ids: list[str]) -> bytes:
    """The ack message: {"schema": 1, "event_ids": [...]}."""
    return json.dumps({"schema": SCHEMA, "event_ids": event_ids}, separators=(",", ":")).encode()


def acks_payloads(event_ids: list[str]) -> list[bytes]:
    """Ack messages for any number of ids, each within MAX_ACK_IDS (a drained backlog can be
    acknowledged hundreds of thousands at a time; one message would be refused)."""
    return [acks_payload(event_ids[i:i + ACK_CHUNK])
            for i in range(0, len(event_ids), ACK_CHUNK)]


def parse_acks(payload: bytes) -> list[str] | Malformed:
    """Event ids of an ack message, or Malformed."""
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return Malformed("not_json")
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        return Malformed("wrong_schema")
    ids = data.get("event_ids")
    if not isinstance(ids, list) or len(ids) > MAX_ACK_IDS \
            or not all(isinstance(i, str) and ULID_RE.match(i) for i in ids):
        return Malformed("bad_event_ids")
    return ids


def state_payload(status: str, **fields: Any) -> bytes:
    """A retained state message: {"schema": 1, "status": ..., ...}."""
    return json.dumps({"schema": SCHEMA, "status": status, **fields}, ensure_ascii=False,
                      separators=(",", ":")).encode()
