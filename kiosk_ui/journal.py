"""A kiosk's journal: every event committed to disk before its verdict is shown.

Each event gets a ULID and the next per-kiosk sequence number in the same transaction that
stores it, and stays until the center acknowledges it end to end; acknowledged events are
purged after the retention period (personal data must not linger on kiosks). The signed
policy and trust list the kiosk accepted are kept here too (infra.doc_store).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from ulid import ULID

from infra.event_file import EventFile, chunks
from infra.schema_version import Migration, unchanged
from infra.sqlite import is_disk_full, relaxed_sync
from screening.event import EventHeader

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    recorded_at REAL NOT NULL,
    acked_at REAL
);
CREATE INDEX IF NOT EXISTS events_pending ON events(seq) WHERE acked_at IS NULL;
CREATE INDEX IF NOT EXISTS events_acked ON events(acked_at) WHERE acked_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""
# The file's schema versions (infra.schema_version): add a step, never edit a shipped one.
STEPS = (Migration(1, "events, meta and accepted documents as first released", unchanged),)


class Recordable(Protocol):
    """Anything with the event JSON form: ScanEvent, StaffAction."""

    def to_json(self) -> dict[str, Any]:
        """The event's wire form."""
        ...


MakeEvent = Callable[[EventHeader], Recordable]


@dataclass(frozen=True)
class Entry:
    """One journalled event as it travels: ids and the exact JSON bytes."""

    seq: int
    event_id: str
    payload: bytes


class JournalFull(RuntimeError):
    """The journal cannot commit (disk full): the scan must not be shown as done."""


def utc_now() -> datetime:
    """The wall clock in UTC."""
    return datetime.now(UTC)


class Journal(EventFile):
    """The durable event log of one kiosk."""

    def __init__(self, path: str | Path, post: str, kiosk: str,
                 clock: Callable[[], datetime] = utc_now, max_size_mb: float | None = None,
                 ) -> None:
        super().__init__(path, max_size_mb, SCHEMA, "journal", STEPS)
        self.post, self.kiosk, self._clock = post, kiosk, clock
        self._listeners: list[Callable[[list[Entry]], None]] = []

    def add_listener(self, listener: Callable[[list[Entry]], None]) -> None:
        """Call listener with the new entries after each commit (e.g. the kiosk link)."""
        self._listeners.append(listener)

    def record(self, make_event: MakeEvent) -> dict[str, Any]:
        """Assign id and sequence, commit (fsync), return the event's JSON; raises JournalFull."""
        return self.record_many([make_event])[0]

    def record_many(self, makers: Sequence[MakeEvent]) -> list[dict[str, Any]]:
        """Record several events in one commit (group commit for load generators)."""
        events: list[dict[str, Any]] = []
        entries: list[Entry] = []
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                row = self._db.execute("SELECT value FROM meta WHERE key='last_seq'").fetchone()
                seq = row[0] if row else 0
                now = time.time()
                for make_event in makers:
                    seq += 1
                    at = self._clock()
                    header = EventHeader(str(ULID.from_datetime(at)), seq, self.post,
                                         self.kiosk, at)
                    event = make_event(header).to_json()
                    payload = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
                    self._db.execute("INSERT INTO events(seq, event_id, payload, recorded_at) "
                                     "VALUES (?, ?, ?, ?)", (seq, header.event_id, payload, now))
                    events.append(event)
                    entries.append(Entry(seq, header.event_id, payload.encode()))
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('last_seq', ?)", (seq,))
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                if is_disk_full(exc):
                    raise JournalFull(str(exc)) from None
                raise
        for listener in self._listeners:
            listener(entries)
        return events

    def pending(self, after_seq: int = 0, limit: int = 1000) -> list[Entry]:
        """Unacknowledged events in sequence order, starting after after_seq."""
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, event_id, payload FROM events WHERE acked_at IS NULL AND seq > ? "
                "ORDER BY seq LIMIT ?", (after_seq, limit)).fetchall()
        return [Entry(seq, event_id, payload.encode()) for seq, event_id, payload in rows]

    def get(self, seqs: Sequence[int]) -> list[Entry]:
        """The still-unacknowledged events among these sequence numbers."""
        found: list[Entry] = []
        with self._lock:
            for chunk in chunks(list(seqs), 500):
                marks = ",".join("?" * len(chunk))
                found += [Entry(seq, event_id, payload.encode()) for seq, event_id, payload
                          in self._db.execute(
                              f"SELECT seq, event_id, payload FROM events WHERE acked_at IS NULL "
                              f"AND seq IN ({marks}) ORDER BY seq", chunk)]
        return found

    def ack(self, event_ids: Sequence[str]) -> int:
        """Mark events the center has committed; returns how many were newly acknowledged."""
        if not event_ids:
            return 0
        with self._lock, relaxed_sync(self._db):
            self._db.execute("BEGIN IMMEDIATE")
            changed = 0
            now = time.time()
            for chunk in chunks(list(event_ids), 500):
                marks = ",".join("?" * len(chunk))
                changed += self._db.execute(
                    f"UPDATE events SET acked_at=? WHERE acked_at IS NULL "
                    f"AND event_id IN ({marks})", (now, *chunk)).rowcount
            self._db.execute("COMMIT")
        return changed

    def purge(self, retention_s: float, now: float | None = None) -> int:
        """Delete events acknowledged more than retention_s ago; returns how many."""
        cutoff = (time.time() if now is None else now) - retention_s
        with self._lock:
            return self._db.execute("DELETE FROM events WHERE acked_at IS NOT NULL "
                                    "AND acked_at <= ?", (cutoff,)).rowcount

    def counts(self) -> dict[str, Any]:
        """last_seq, pending count and the age in seconds of the oldest pending event."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key='last_seq'").fetchone()
            # Both from the pending index alone: a backlog of 100k is counted, not read.
            pending = self._db.execute(
                "SELECT count(*) FROM events WHERE acked_at IS NULL").fetchone()[0]
            first = self._db.execute("SELECT recorded_at FROM events WHERE acked_at IS NULL "
                                     "ORDER BY seq LIMIT 1").fetchone()
            oldest = first[0] if first else None
        return {"last_seq": row[0] if row else 0, "pending": pending,
                "oldest_pending_age_s": round(time.time() - oldest, 3) if oldest else None}
