"""JSON payloads on the wire: event checks, ack messages, state messages. Pure functions."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from gateway.topics import KioskTopic

SCHEMA = 1
ULID_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
MAX_ACK_IDS = 10_000


@dataclass(frozen=True)
class Malformed:
    """A payload that cannot be used, and why (logged, counted, never raised)."""

    reason: str
    detail: str = ""


def check_event(payload: bytes, topic: KioskTopic) -> dict[str, Any] | Malformed:
    """The event JSON if it is an event of the kiosk its topic names; Malformed otherwise."""
    try:
        event = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return Malformed("not_json", str(exc)[:120])
    if not isinstance(event, dict):
        return Malformed("not_object")
    if event.get("schema") != SCHEMA:
        return Malformed("wrong_schema", repr(event.get("schema"))[:40])
    event_id = event.get("event_id")
    if not isinstance(event_id, str) or not ULID_RE.match(event_id):
        return Malformed("bad_event_id", repr(event_id)[:40])
    seq = event.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        return Malformed("bad_seq", repr(seq)[:40])
    if event.get("post") != topic.post or event.get("kiosk") != topic.kiosk:
        return Malformed("topic_mismatch", f"{event.get('post')}/{event.get('kiosk')}"[:80])
    if event.get("type") not in ("scan", "staff_action") or not isinstance(event.get("at"), str):
        return Malformed("bad_type_or_time")
    return event


def acks_payload(event_ids: list[str]) -> bytes:
    """The ack message: {"schema": 1, "event_ids": [...]}."""
    return json.dumps({"schema": SCHEMA, "event_ids": event_ids}, separators=(",", ":")).encode()


def parse_acks(payload: bytes) -> list[str] | Malformed:
    """Event ids of an ack message, or Malformed."""
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError):
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
