"""The gateway's durable outbox: kiosk events held on disk until the center acknowledges them.

An event enters in the same commit that precedes its PUBACK to the kiosk, is sent upstream as
often as needed, and leaves only when the center's ack names it; a short tombstone then lets
the gateway re-acknowledge a kiosk that sends it again. Signed policy and trust documents the
gateway accepted are kept here too, so a restart never fans out an older version.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from infra.event_file import EventFile, chunks
from infra.schema_version import Migration, unchanged
from infra.sqlite import is_disk_full, relaxed_sync

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    rowid INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    kiosk TEXT NOT NULL,
    topic TEXT NOT NULL,
    payload BLOB NOT NULL,
    received_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS delivered (
    event_id TEXT PRIMARY KEY,
    kiosk TEXT NOT NULL,
    acked_at REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS delivered_age ON delivered(acked_at);
-- The state's backlog count and oldest age read this small index, not 100k payloads.
CREATE INDEX IF NOT EXISTS outbox_age ON outbox(received_at);
"""
RECLAIM_MIN_PAGES = 256  # 1 MB of free pages before reclaim() bothers
RECLAIM_MAX_WAITING = 1000  # the backlog counts as drained below this many events
INCREMENTAL = 2  # PRAGMA auto_vacuum's value for incremental
# The file's schema versions (infra.schema_version): add a step, never edit a shipped one.
STEPS = (Migration(1, "outbox, delivered tombstones and accepted documents as first released",
                   unchanged),)


@dataclass(frozen=True)
class Incoming:
    """An event as received from a kiosk."""

    event_id: str
    kiosk: str
    topic: str
    payload: bytes


@dataclass(frozen=True)
class Outgoing:
    """An event waiting in the outbox."""

    rowid: int
    event_id: str
    kiosk: str
    topic: str
    payload: bytes


@dataclass(frozen=True)
class Added:
    """What one commit of incoming events did."""

    new: list[Outgoing]
    already_delivered: list[tuple[str, str]]  # (event_id, kiosk): re-acknowledge at once


class OutboxFull(RuntimeError):
    """The outbox cannot commit (disk or size cap full): do not acknowledge the kiosks."""


class Outbox(EventFile):
    """SQLite outbox of one gateway."""

    def __init__(self, path: str | Path, max_size_mb: float | None = None) -> None:
        super().__init__(path, max_size_mb, SCHEMA, "outbox", STEPS)

    def add(self, items: Sequence[Incoming]) -> Added:
        """Commit incoming events (idempotent by event id); raises OutboxFull."""
        new: list[Outgoing] = []
        now = time.time()
        with self._lock, self._transaction():
            done = self._delivered_among([item.event_id for item in items])
            delivered = [(i.event_id, i.kiosk) for i in items if i.event_id in done]
            for item in items:
                if item.event_id in done:
                    continue
                cursor = self._db.execute(
                    "INSERT OR IGNORE INTO outbox(event_id, kiosk, topic, payload, "
                    "received_at) VALUES (?, ?, ?, ?, ?)",
                    (item.event_id, item.kiosk, item.topic, item.payload, now))
                if cursor.rowcount and cursor.lastrowid is not None:
                    new.append(Outgoing(cursor.lastrowid, item.event_id, item.kiosk,
                                        item.topic, item.payload))
        return Added(new, delivered)

    def _delivered_among(self, event_ids: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in chunks(event_ids, 500):
            marks = ",".join("?" * len(chunk))
            found.update(self._db.execute(
                f"SELECT event_id, kiosk FROM delivered WHERE event_id IN ({marks})", chunk))
        return found

    def pending(self, after_rowid: int, limit: int) -> list[Outgoing]:
        """Events not yet acknowledged by the center, in arrival order after after_rowid."""
        with self._lock:
            rows = self._db.execute(
                "SELECT rowid, event_id, kiosk, topic, payload FROM outbox WHERE rowid > ? "
                "ORDER BY rowid LIMIT ?", (after_rowid, limit)).fetchall()
        return [Outgoing(r[0], r[1], r[2], r[3], bytes(r[4])) for r in rows]

    def get(self, event_ids: Sequence[str]) -> list[Outgoing]:
        """The still-pending events among event_ids."""
        found: list[Outgoing] = []
        with self._lock:
            for chunk in chunks(list(event_ids), 500):
                marks = ",".join("?" * len(chunk))
                found += [Outgoing(r[0], r[1], r[2], r[3], bytes(r[4])) for r in self._db.execute(
                    f"SELECT rowid, event_id, kiosk, topic, payload FROM outbox "
                    f"WHERE event_id IN ({marks}) ORDER BY rowid", chunk)]
        return found

    def ack(self, event_ids: Sequence[str]) -> list[tuple[str, str]]:
        """The center committed these: drop them, keep tombstones; returns (event_id, kiosk)
        of every known one, so the kiosks are told even if an earlier relay was lost."""
        now = time.time()
        acked: list[tuple[str, str]] = []
        with self._lock, relaxed_sync(self._db), self._transaction():
            for chunk in chunks(list(dict.fromkeys(event_ids)), 500):
                marks = ",".join("?" * len(chunk))
                removed = self._db.execute(
                    f"DELETE FROM outbox WHERE event_id IN ({marks}) "
                    f"RETURNING event_id, kiosk", chunk).fetchall()
                self._db.executemany("INSERT OR REPLACE INTO delivered VALUES (?, ?, ?)",
                                     [(event_id, kiosk, now) for event_id, kiosk in removed])
                gone = {event_id for event_id, _kiosk in removed}
                acked += removed
                acked += self._delivered_among(
                    [e for e in chunk if e not in gone]).items()
        return [(event_id, kiosk) for event_id, kiosk in acked]

    def purge(self, retention_s: float, now: float | None = None) -> int:
        """Forget tombstones older than retention_s; returns how many."""
        cutoff = (time.time() if now is None else now) - retention_s
        with self._lock:
            return self._db.execute("DELETE FROM delivered WHERE acked_at <= ?",
                                    (cutoff,)).rowcount

    def backlog(self) -> tuple[int, float | None]:
        """How many events wait for the center, and the arrival time of the oldest."""
        with self._lock:
            count, oldest = self._db.execute(
                "SELECT count(*), min(received_at) FROM outbox").fetchone()
        return count, oldest

    def reclaim(self) -> int:
        """Give the space a drained backlog leaves behind back to the file system.

        Only once few events wait (pages freed during a drain are reused by what keeps
        arriving); a file made before incremental vacuum is rebuilt once, while nearly empty.
        Returns the free pages given back.
        """
        with self._lock:
            free = int(self._db.execute("PRAGMA freelist_count").fetchone()[0])
            if free < RECLAIM_MIN_PAGES or self._db.execute(
                    "SELECT count(*) FROM (SELECT 1 FROM outbox LIMIT ?)",
                    (RECLAIM_MAX_WAITING,)).fetchone()[0] >= RECLAIM_MAX_WAITING:
                return 0
            if int(self._db.execute("PRAGMA auto_vacuum").fetchone()[0]) != INCREMENTAL:
                self._db.execute("PRAGMA auto_vacuum=INCREMENTAL")
                self._db.execute("VACUUM")
            else:
                # executescript steps the pragma to the end; execute() frees one page only.
                self._db.executescript("PRAGMA incremental_vacuum;")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return free

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT; rolled back on any SQLite error, disk full → OutboxFull."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            yield
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            if is_disk_full(exc):
                raise OutboxFull(str(exc)) from None
            raise
