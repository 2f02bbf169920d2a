"""The center's tables in one SQLite file: one center instance, no server to run.

One connection shared by the threads under a lock; commits are fsynced (WAL, synchronous=FULL)
except for derived rows, which skip the fsync and become durable with the next full commit.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from center.stores.database import COLUMN_TYPES, Row, StoreUnavailable, Transaction
from infra.schema_version import Migration, plan, schema_version
from infra.sqlite import open_durable, relaxed_sync


class SqliteTransaction:
    """Statements inside one BEGIN IMMEDIATE … COMMIT."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def execute(self, sql: str, args: Sequence[Any] = ()) -> list[Row]:
        """Run one statement; the rows it returns."""
        return self._db.execute(sql, tuple(args)).fetchall()

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement per row."""
        self._db.executemany(sql, rows)

    def insert_each(self, sql: str, rows: Sequence[Sequence[Any]]) -> list[bool]:
        """Run an INSERT … ON CONFLICT DO NOTHING per row; whether each was new."""
        return [bool(self._db.execute(sql, tuple(row)).rowcount) for row in rows]


class SqliteDatabase:
    """A SQLite file (or memory when `path` is None); `read_only` opens an existing file.

    The file (and a folder created for it) is readable by this user only: it names travellers.
    """

    def __init__(self, path: str | Path | None, read_only: bool = False) -> None:
        self.where = ":memory:" if path is None else str(path)
        try:
            if path is None:
                self._db = sqlite3.connect(":memory:", isolation_level=None,
                                           check_same_thread=False)
            elif read_only:
                self._db = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True,
                                           isolation_level=None, check_same_thread=False,
                                           timeout=10.0)
            else:
                # Created 0600 (folder 0700) before SQLite opens it, its -wal and -shm too.
                self._db = open_durable(path)
        except (sqlite3.Error, OSError) as exc:
            raise StoreUnavailable(self.where, str(exc)) from None
        self._lock = threading.Lock()

    def create(self, ddl: str) -> None:
        """Create tables and indexes that do not exist yet."""
        with self._lock:
            self._db.executescript(ddl.format(**COLUMN_TYPES["sqlite"]))

    def add_columns(self, table: str, columns: dict[str, str]) -> None:
        """Add the columns `table` lacks (a file made by an older version)."""
        with self._lock:
            have = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            for name, kind in columns.items():
                if name not in have:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {name} "
                                     + kind.format(**COLUMN_TYPES["sqlite"]))

    def migrate(self, store: str, steps: Sequence[Migration[Transaction]]) -> int:
        """Run the steps newer than the file's PRAGMA user_version, each with its version."""
        with self._lock:
            found = schema_version(self._db)
            for step in plan(found, steps, self.where, store):
                with contextmanager(self._commit)() as tx:
                    step.apply(tx)
                    tx.execute(f"PRAGMA user_version={int(step.version)}")
                found = step.version
        return found

    @contextmanager
    def transaction(self, durable: bool = True) -> Iterator[SqliteTransaction]:
        """BEGIN IMMEDIATE … COMMIT, rolled back if the block raises."""
        with self._lock:
            if durable:
                yield from self._commit()
            else:
                with relaxed_sync(self._db):
                    yield from self._commit()

    def rows(self, sql: str, args: Sequence[Any] = ()) -> list[Row]:
        """The rows of one query."""
        with self._lock:
            return self._db.execute(sql, tuple(args)).fetchall()

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()

    def _commit(self) -> Iterator[SqliteTransaction]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield SqliteTransaction(self._db)
            self._db.execute("COMMIT")
        except BaseException:
            # A failed COMMIT (disk full) leaves the transaction open, and a later BEGIN would
            # fail for good; SQLite may also have rolled back already.
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
