"""The center's event store: each event stored exactly once by event_id.

Also keeps quarantined messages, the last state of every kiosk and gateway, and which alerts
were raised, and answers the dashboard's and the daily report's questions (by day, post,
kiosk, outcome). One SQLite file by default, or PostgreSQL shared by several instances
(center.stores); the SQL here is the same for both.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from center.storable_json import Unreadable, loads, storable
from center.stores import StoreLocation, open_database
from center.stores.database import Transaction
from infra.schema_version import Migration, unchanged

# Vietnam keeps UTC+7 all year; a "day" in reports is the province's calendar day.
PROVINCE_TZ = timezone(timedelta(hours=7))

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    event_id {text} PRIMARY KEY,
    post {text} NOT NULL,
    kiosk {text} NOT NULL,
    seq BIGINT NOT NULL,
    type {text} NOT NULL,
    at {text} NOT NULL,
    day {text} NOT NULL,
    outcome {text},
    received_at {real} NOT NULL,
    payload {text} NOT NULL,
    personal INTEGER NOT NULL DEFAULT 1
) {without_rowid};
CREATE INDEX IF NOT EXISTS events_day_post ON events(day, post, kiosk);
CREATE INDEX IF NOT EXISTS events_day_outcome ON events(day, outcome);
CREATE INDEX IF NOT EXISTS events_kiosk_seq ON events(post, kiosk, seq);
CREATE TABLE IF NOT EXISTS quarantine (
    id {serial},
    received_at {real} NOT NULL,
    topic {text} NOT NULL,
    post {text},
    kiosk {text},
    event_id {text},
    reason {text} NOT NULL,
    detail {text} NOT NULL,
    payload {blob} NOT NULL,
    size BIGINT,
    sha256 {text}
);
CREATE TABLE IF NOT EXISTS device_state (
    topic {text} PRIMARY KEY,
    kind {text} NOT NULL,
    post {text} NOT NULL,
    kiosk {text},
    status {text},
    payload {text} NOT NULL,
    updated_at {real} NOT NULL
);
CREATE TABLE IF NOT EXISTS alert_claims (
    alert_key {text} PRIMARY KEY,
    at {real} NOT NULL
);
"""

# Added after the first release: a store made by an older version gains them at start.
LATER_COLUMNS = {"quarantine": {"size": "BIGINT", "sha256": "{text}"},
                 "events": {"personal": "INTEGER NOT NULL DEFAULT 1"}}
# Events still holding personal data, oldest day first: what the retention purge looks for.
LATER_INDEXES = "CREATE INDEX IF NOT EXISTS events_personal ON events(day) WHERE personal = 1;"
# The store's schema versions (infra.schema_version): add a step, never edit a shipped one.
STEPS: tuple[Migration[Transaction], ...] = (
    Migration(1, "events, quarantine, device states and alert claims as first released",
              unchanged),)
INSERT_EVENT = ("INSERT INTO events(event_id, post, kiosk, seq, type, at, day, outcome, "
                "received_at, payload) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING")
# A quarantined message is kept as its first bytes, its size and its hash: enough to see
# what it was and to match it with a sender's copy, without letting junk fill the disk.
EXCERPT_BYTES = 2048
DETAIL_CHARS = 500
# A state message is a few hundred bytes; anything much larger is kept as unreadable.
MAX_STATE_BYTES = 64 * 1024
MAX_KEPT_STATE_CHARS = 4096
UPSERT_STATE = ("INSERT INTO device_state VALUES (?,?,?,?,?,?,?) ON CONFLICT (topic) DO UPDATE "
                "SET kind=excluded.kind, post=excluded.post, kiosk=excluded.kiosk, "
                "status=excluded.status, payload=excluded.payload, "
                "updated_at=excluded.updated_at")
INSERT_CLAIM = "INSERT INTO alert_claims VALUES (?,?) ON CONFLICT DO NOTHING"


@dataclass(frozen=True)
class DeviceState:
    """The last retained state of a kiosk or a gateway."""

    kind: str  # "kiosk" | "gateway"
    post: str
    kiosk: str | None
    status: str | None  # "online" | "offline" | None when unreadable
    state: dict[str, Any]
    updated_at: float


@dataclass(frozen=True)
class KioskSequence:
    """How many events of one kiosk are stored, and its highest sequence number."""

    post: str
    kiosk: str
    count: int
    max_seq: int

    @property
    def missing(self) -> int:
        """Sequence numbers not (yet) stored below the highest one."""
        return self.max_seq - self.count


def province_day(at: str | datetime) -> str:
    """The province's calendar day (YYYY-MM-DD) of an event time (ISO string or datetime)."""
    moment = at if isinstance(at, datetime) else \
        datetime.fromisoformat(at.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(PROVINCE_TZ).date().isoformat()


class Store:
    """The center's store: a SQLite file or a PostgreSQL database; safe to share between
    threads, and with PostgreSQL between center instances."""

    def __init__(self, where: StoreLocation) -> None:
        self.db = open_database(where)
        self.db.create(SCHEMA)
        for table, columns in LATER_COLUMNS.items():
            self.db.add_columns(table, columns)
        self.db.create(LATER_INDEXES)
        self.schema_version = self.db.migrate("center", STEPS)

    def add_events(self, events: Sequence[dict[str, Any]], received_at: float | None = None,
                   payloads: Sequence[bytes] | None = None) -> list[dict[str, Any]]:
        """Store checked events in one commit; returns those that were new (duplicates are
        ignored, so redelivery is harmless, and with several instances exactly one of them
        sees an event as new). payloads: the events' JSON exactly as received."""
        now = time.time() if received_at is None else received_at
        rows = []
        for index, event in enumerate(events):
            text = payloads[index].decode() if payloads is not None else \
                json.dumps(event, ensure_ascii=False, separators=(",", ":"))
            rows.append((event["event_id"], _clean(event["post"]), _clean(event["kiosk"]),
                         event["seq"], _clean(event["type"]), event["at"],
                         province_day(event["at"]), _clean(event.get("outcome")), now, text))
        # The same order in every instance, so two inserting overlapping batches cannot
        # deadlock; the order only matters to PostgreSQL's row locks.
        rows.sort(key=lambda row: row[0])
        with self.db.transaction() as tx:
            inserted = tx.insert_each(INSERT_EVENT, rows)
        new_ids = {row[0] for row, new in zip(rows, inserted, strict=True) if new}
        new: list[dict[str, Any]] = []
        for event in events:
            if event["event_id"] in new_ids:
                new_ids.discard(event["event_id"])  # twice in one batch: new once
                new.append(event)
        return new

    def add_quarantined(self, items: Iterable[tuple[str, str | None, str | None, str | None,
                                                    str, str, bytes]]) -> None:
        """Keep messages that may not be stored as events, each as an excerpt with its size
        and SHA-256: (topic, post, kiosk, event_id, reason, detail, payload)."""
        now = time.time()
        rows = [(now, *(_clean(text) for text in item[:5]), _clean(item[5][:DETAIL_CHARS]),
                 bytes(item[6][:EXCERPT_BYTES]), len(item[6]),
                 hashlib.sha256(item[6]).hexdigest()) for item in items]
        with self.db.transaction() as tx:
            tx.executemany("INSERT INTO quarantine(received_at, topic, post, kiosk, event_id, "
                           "reason, detail, payload, size, sha256) VALUES (?,?,?,?,?,?,?,?,?,?)",
                           rows)

    def set_states(self, states: Iterable[tuple[str, str, str, str | None, bytes]]) -> None:
        """Remember the last state message of devices: (topic, kind, post, kiosk, payload)."""
        now = time.time()
        rows = []
        for topic, kind, post, kiosk, payload in states:
            try:
                data = loads(payload) if 0 < len(payload) <= MAX_STATE_BYTES else {}
            except Unreadable:
                data = {}
            data = data if isinstance(data, dict) else {}
            status = data.get("status")
            rows.append((storable(topic), kind, storable(post), _clean(kiosk),
                         _clean(status) if isinstance(status, str) else None,
                         _kept_state(data), now))
        rows.sort(key=lambda row: row[0])  # a stable lock order, as in add_events
        with self.db.transaction(durable=False) as tx:
            tx.executemany(UPSERT_STATE, rows)

    def claim_alert(self, key: str, at: datetime) -> bool:
        """Record that an alert was raised; True only for the first instance to record `key`,
        the one that publishes it."""
        with self.db.transaction() as tx:
            return tx.insert_each(INSERT_CLAIM, [(_clean(key), at.timestamp())])[0]

    def count_events(self, day: str | date | None = None, post: str | None = None,
                     kiosk: str | None = None, outcome: str | None = None,
                     type: str | None = None) -> int:
        """How many events match (all filters optional)."""
        where, args = _filters(day, post, kiosk, outcome, type)
        return int(self.db.rows(f"SELECT count(*) FROM events{where}", args)[0][0])

    def events(self, day: str | date | None = None, post: str | None = None,
               kiosk: str | None = None, outcome: str | None = None, type: str | None = None,
               limit: int | None = None, newest_first: bool = False) -> list[dict[str, Any]]:
        """The stored event JSON objects that match, in event time order."""
        where, args = _filters(day, post, kiosk, outcome, type)
        order = "DESC" if newest_first else "ASC"
        sql = f"SELECT payload FROM events{where} ORDER BY at {order}, event_id {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [json.loads(row[0]) for row in self.db.rows(sql, args)]

    def event(self, event_id: str) -> dict[str, Any] | None:
        """One stored event, or None."""
        rows = self.db.rows("SELECT payload FROM events WHERE event_id=?", (event_id,))
        return json.loads(rows[0][0]) if rows else None

    def outcome_counts(self, day: str | date | None = None,
                       post: str | None = None) -> dict[tuple[str, str], int]:
        """Scan counts by (post, outcome), for a day and/or a post."""
        where, args = _filters(day, post, None, None, "scan")
        rows = self.db.rows(f"SELECT post, outcome, count(*) FROM events{where} "
                            "GROUP BY post, outcome", args)
        return {(p, o): int(n) for p, o, n in rows}

    def kiosk_sequences(self) -> list[KioskSequence]:
        """Per kiosk: events stored and highest sequence (gaps mean events still on the way)."""
        rows = self.db.rows("SELECT post, kiosk, count(*), max(seq) FROM events "
                            "GROUP BY post, kiosk ORDER BY post, kiosk")
        return [KioskSequence(post, kiosk, int(n), int(top)) for post, kiosk, n, top in rows]

    def kiosks(self) -> list[tuple[str, str]]:
        """Every (post, kiosk) with an event stored."""
        return [(str(p), str(k)) for p, k in
                self.db.rows("SELECT DISTINCT post, kiosk FROM events ORDER BY post, kiosk")]

    def states(self, kind: str | None = None) -> list[DeviceState]:
        """The last state of every kiosk and/or gateway heard from."""
        sql = "SELECT kind, post, kiosk, status, payload, updated_at FROM device_state"
        args: tuple[Any, ...] = ()
        if kind is not None:
            sql, args = sql + " WHERE kind=?", (kind,)
        rows = self.db.rows(sql + " ORDER BY post, kiosk NULLS FIRST", args)
        return [DeviceState(k, p, ks, s, json.loads(pl), u) for k, p, ks, s, pl, u in rows]

    def state_devices(self) -> list[tuple[str, str | None]]:
        """Every (post, kiosk) with a state row; kiosk None for a gateway."""
        return [(str(p), k) for p, k in self.db.rows("SELECT post, kiosk FROM device_state")]

    def forget_states(self, devices: list[tuple[str, str | None]]) -> None:
        """Delete the state rows of devices the center no longer keeps."""
        with self.db.transaction(durable=False) as tx:
            for post, kiosk in devices:
                if kiosk is None:
                    tx.execute("DELETE FROM device_state WHERE post=? AND kiosk IS NULL",
                               (post,))
                else:
                    tx.execute("DELETE FROM device_state WHERE post=? AND kiosk=?",
                               (post, kiosk))

    def quarantined(self, limit: int = 100) -> list[dict[str, Any]]:
        """The newest quarantined messages: the payload's excerpt as text, its size and hash."""
        rows = self.db.rows(
            "SELECT received_at, topic, post, kiosk, event_id, reason, detail, size, sha256, "
            "payload FROM quarantine ORDER BY id DESC LIMIT ?", (limit,))
        keys = ("received_at", "topic", "post", "kiosk", "event_id", "reason", "detail",
                "size", "sha256")
        return [{**dict(zip(keys, row[:9], strict=True)),
                 "payload": bytes(row[9]).decode("utf-8", "replace")} for row in rows]

    def close(self) -> None:
        """Close the file or the connections."""
        self.db.close()


def _kept_state(data: dict[str, Any]) -> str:
    """A state as stored: whole when small, else its known scalar fields (a 60 KB state must
    not cost 60 KB a device)."""
    text = json.dumps(data)
    if len(text) <= MAX_KEPT_STATE_CHARS:
        return text
    alarms = data.get("alarms")
    summary: dict[str, Any] = {key: value for key, value in data.items()
               if isinstance(value, int | float | bool | None)
               or (isinstance(value, str) and len(value) <= 200)}
    summary["alarms"] = [str(a.get("code"))[:64] for a in
                         (alarms if isinstance(alarms, list) else [])[:16] if isinstance(a, dict)]
    summary["truncated_from_chars"] = len(text)
    return json.dumps(dict(list(summary.items())[:40]))


def _clean(text: str | None) -> str | None:
    # A hostile message must not make its batch unstorable (NUL, lone surrogates).
    return storable(text) if isinstance(text, str) else text


def _filters(day: str | date | None, post: str | None, kiosk: str | None,
             outcome: str | None, type: str | None) -> tuple[str, tuple[Any, ...]]:
    clauses, args = [], []
    for column, value in (("day", day.isoformat() if isinstance(day, date) else day),
                          ("post", post), ("kiosk", kiosk), ("outcome", outcome),
                          ("type", type)):
        if value is not None:
            clauses.append(f"{column}=?")
            args.append(value)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), tuple(args)
