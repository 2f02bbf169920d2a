"""The JSON decode boundary of the center: whatever arrives is made storable here, once.

JSON may escape a lone UTF-16 surrogate (`"\\ud800"`); Python decodes it into a str that no
UTF-8 encoder, SQLite or PostgreSQL will take, so one such message used to fail every batch
it travelled in. Every payload the center parses goes through `loads`, which replaces lone
surrogates with U+FFFD; `storable` does the same (and escapes NUL) for text from elsewhere.
"""

from __future__ import annotations

import json
import re
from typing import Any

from infra.wire import MAX_BATCH_EVENTS  # the gateway's limit: one number for both ends

# Only an escape can put a surrogate into decoded JSON (raw ones are not UTF-8), so a cheap
# search of the bytes spares the walk for nearly every message.
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
Unreadable = (UnicodeDecodeError, ValueError, RecursionError)


def loads(payload: bytes) -> Any:
    """Parse JSON from strict UTF-8, lone surrogates replaced; raises one of `Unreadable`."""
    data = json.loads(payload.decode("utf-8"))
    return mend(data) if SURROGATE_ESCAPE.search(payload) else data


def needs_mending(payload: bytes) -> bool:
    """True when the payload may hold a lone surrogate escape (its parse must be rewritten)."""
    return SURROGATE_ESCAPE.search(payload) is not None


def mend(value: Any) -> Any:
    """`value` with every string (and key) made storable; other values as they are."""
    if isinstance(value, str):
        return LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {mend(k): mend(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mend(v) for v in value]
    return value


def storable(text: str) -> str:
    """Text any database holds: lone surrogates replaced, NUL escaped (PostgreSQL refuses it)."""
    return LONE_SURROGATE.sub("\ufffd", text).replace("\x00", "\\u0000")


def dumps(data: Any) -> bytes:
    """Compact JSON as the center stores and forwards it (UTF-8, never raising on text)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8", "replace")


def event_messages(payload: bytes) -> list[bytes]:
    """The JSON of each event a well-formed batch carries, made storable; otherwise the
    message itself (mended when it holds a lone surrogate), for the event check to judge."""
    if b'"batch"' not in payload and not needs_mending(payload):
        return [payload]  # not a batch: spare a parse the check makes anyway
    try:
        data = loads(payload)
    except Unreadable:
        return [payload]
    if isinstance(data, dict) and data.get("type") == "batch" and data.get("schema") == 1:
        events = data.get("events")
        if isinstance(events, list) and 1 <= len(events) <= MAX_BATCH_EVENTS:
            return [dumps(event) for event in events]
    return [dumps(data)] if needs_mending(payload) else [payload]
