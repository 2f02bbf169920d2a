"""The center's event store: SQLite, each event stored exactly once by event_id.

Also keeps quarantined messages and the last state of every kiosk and gateway, and answers
the dashboard's and the daily report's questions (by day, post, kiosk, outcome).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from gateway.sqlite import open_durable, relaxed_sync

# Vietnam keeps UTC+7 all year; a "day" in reports is the province's calendar day.
PROVINCE_TZ = timezone(timedelta(hours=7))

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY,
    post TEXT NOT NULL,
    kiosk TEXT NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    at TEXT NOT NULL,
    day TEXT NOT NULL,
    outcome TEXT,
    received_at REAL NOT NULL,
    payload TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS events_day_post ON events(day, post, kiosk);
CREATE INDEX IF NOT EXISTS events_day_outcome ON events(day, outcome);
CREATE INDEX IF NOT EXISTS events_kiosk_seq ON events(post, kiosk, seq);
CREATE TABLE IF NOT EXISTS quarantine (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at REAL NOT NULL,
    topic TEXT NOT NULL,
    post TEXT,
    kiosk TEXT,
    event_id TEXT,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    payload BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS device_state (
    topic TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    post TEXT NOT NULL,
    kiosk TEXT,
    status TEXT,
    payload TEXT NOT NULL,
    updated_at REAL NOT NULL
);
"""


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
    """The center's SQLite store; safe to share between threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db = open_durable(path)
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def add_events(self, events: Sequence[dict[str, Any]], received_at: float | None = None,
                   payloads: Sequence[bytes] | None = None) -> list[dict[str, Any]]:
        """Store checked events in one commit; returns those that were new (duplicates are
        ignored, so redelivery is harmless). payloads: the events' JSON exactly as received."""
        now = time.time() if received_at is None else received_at
        new: list[dict[str, Any]] = []
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for index, event in enumerate(events):
                    text = payloads[index].decode() if payloads is not None else \
                        json.dumps(event, ensure_ascii=False, separators=(",", ":"))
                    if self._db.execute(
                            "INSERT OR IGNORE INTO events VALUES (?,?,?,?,?,?,?,?,?,?)",
                            (event["event_id"], event["post"], event["kiosk"], event["seq"],
                             event["type"], event["at"], province_day(event["at"]),
                             event.get("outcome"), now, text)).rowcount:
                        new.append(event)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return new

    def add_quarantined(self, items: Iterable[tuple[str, str | None, str | None, str | None,
                                                    str, str, bytes]]) -> None:
        """Keep messages that may not be stored as events:
        (topic, post, kiosk, event_id, reason, detail, payload)."""
        now = time.time()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                "INSERT INTO quarantine(received_at, topic, post, kiosk, event_id, reason, "
                "detail, payload) VALUES (?,?,?,?,?,?,?,?)",
                [(now, *item) for item in items])
            self._db.execute("COMMIT")

    def set_states(self, states: Iterable[tuple[str, str, str, str | None, bytes]]) -> None:
        """Remember the last state message of devices: (topic, kind, post, kiosk, payload)."""
        now = time.time()
        rows = []
        for topic, kind, post, kiosk, payload in states:
            try:
                data = json.loads(payload) if payload else {}
            except (UnicodeDecodeError, json.JSONDecodeError):
                data = {}
            status = data.get("status") if isinstance(data, dict) else None
            rows.append((topic, kind, post, kiosk, status if isinstance(status, str) else None,
                         json.dumps(data if isinstance(data, dict) else {}, ensure_ascii=False),
                         now))
        with self._lock, relaxed_sync(self._db):
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT OR REPLACE INTO device_state VALUES (?,?,?,?,?,?,?)",
                                 rows)
            self._db.execute("COMMIT")

    def count_events(self, day: str | date | None = None, post: str | None = None,
                     kiosk: str | None = None, outcome: str | None = None,
                     type: str | None = None) -> int:
        """How many events match (all filters optional)."""
        where, args = _filters(day, post, kiosk, outcome, type)
        with self._lock:
            return int(self._db.execute(f"SELECT count(*) FROM events{where}", args)
                       .fetchone()[0])

    def events(self, day: str | date | None = None, post: str | None = None,
               kiosk: str | None = None, outcome: str | None = None, type: str | None = None,
               limit: int | None = None, newest_first: bool = False) -> list[dict[str, Any]]:
        """The stored event JSON objects that match, in event time order."""
        where, args = _filters(day, post, kiosk, outcome, type)
        order = "DESC" if newest_first else "ASC"
        sql = f"SELECT payload FROM events{where} ORDER BY at {order}, event_id {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [json.loads(row[0]) for row in rows]

    def event(self, event_id: str) -> dict[str, Any] | None:
        """One stored event, or None."""
        with self._lock:
            row = self._db.execute("SELECT payload FROM events WHERE event_id=?",
                                   (event_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def outcome_counts(self, day: str | date | None = None,
                       post: str | None = None) -> dict[tuple[str, str], int]:
        """Scan counts by (post, outcome), for a day and/or a post."""
        where, args = _filters(day, post, None, None, "scan")
        with self._lock:
            rows = self._db.execute(
                f"SELECT post, outcome, count(*) FROM events{where} GROUP BY post, outcome",
                args).fetchall()
        return {(p, o): n for p, o, n in rows}

    def kiosk_sequences(self) -> list[KioskSequence]:
        """Per kiosk: events stored and highest sequence (gaps mean events still on the way)."""
        with self._lock:
            rows = self._db.execute("SELECT post, kiosk, count(*), max(seq) FROM events "
                                    "GROUP BY post, kiosk ORDER BY post, kiosk").fetchall()
        return [KioskSequence(*row) for row in rows]

    def states(self, kind: str | None = None) -> list[DeviceState]:
        """The last state of every kiosk and/or gateway heard from."""
        sql = "SELECT kind, post, kiosk, status, payload, updated_at FROM device_state"
        args: tuple[Any, ...] = ()
        if kind is not None:
            sql, args = sql + " WHERE kind=?", (kind,)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY post, kiosk", args).fetchall()
        return [DeviceState(k, p, ks, s, json.loads(pl), u) for k, p, ks, s, pl, u in rows]

    def quarantined(self, limit: int = 100) -> list[dict[str, Any]]:
        """The newest quarantined messages (payload as text)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT received_at, topic, post, kiosk, event_id, reason, detail, payload "
                "FROM quarantine ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        keys = ("received_at", "topic", "post", "kiosk", "event_id", "reason", "detail")
        return [{**dict(zip(keys, row[:7], strict=True)),
                 "payload": bytes(row[7]).decode("utf-8", "replace")} for row in rows]

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()


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
