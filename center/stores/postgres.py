"""The center's tables in PostgreSQL: one database shared by several center instances.

A small connection pool per table owner, so threads do not queue behind one connection and
a restarted server is reconnected to (each connection is checked when taken from the pool).
The portable SQL uses `?` placeholders; psycopg wants `%s`, and a literal `%` doubled.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from center.stores.database import COLUMN_TYPES, Row, StoreUnavailable, Transaction
from infra.schema_version import Migration, plan

CONNECT_TIMEOUT_S = 10
POOL_MAX = 4
# Instances starting together would race to create the same tables; one waits for the other.
SCHEMA_LOCK = 0x63686F74  # "chot"


@lru_cache(maxsize=256)
def to_psycopg(sql: str) -> str:
    """Portable SQL (`?` placeholders) in psycopg's parameter style."""
    return sql.replace("%", "%%").replace("?", "%s")


def without_password(url: str) -> str:
    """The URL as it may be shown or logged."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = (parts.username or "") + ":***"
    return urlunsplit(parts._replace(netloc=f"{user}@{netloc[-1]}"))


class PostgresTransaction:
    """Statements inside one transaction of one pooled connection."""

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._cur = cursor

    def execute(self, sql: str, args: Sequence[Any] = ()) -> list[Row]:
        """Run one statement; the rows it returns."""
        self._cur.execute(to_psycopg(sql), tuple(args))
        return self._cur.fetchall() if self._cur.description is not None else []

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement per row (pipelined: one round trip for the lot)."""
        self._cur.executemany(to_psycopg(sql), [tuple(row) for row in rows])

    def insert_each(self, sql: str, rows: Sequence[Sequence[Any]]) -> list[bool]:
        """Run an INSERT … ON CONFLICT DO NOTHING per row, pipelined; whether each was new."""
        if not rows:
            return []
        self._cur.executemany(to_psycopg(sql) + " RETURNING 1", [tuple(r) for r in rows],
                              returning=True)
        new = []
        while True:
            new.append(bool(self._cur.fetchall()))
            if not self._cur.nextset():
                return new


class PostgresDatabase:
    """A PostgreSQL database by URL; `read_only` sessions refuse every write."""

    def __init__(self, url: str, read_only: bool = False) -> None:
        self.where = without_password(url)
        options: dict[str, Any] = {"autocommit": True}
        if read_only:
            options["options"] = "-c default_transaction_read_only=on"
        try:
            # One plain connection first: a wrong URL, password or database fails here at
            # once with the server's own words, not after the pool's retries time out.
            psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S, **options).close()
            self._pool = ConnectionPool(url, min_size=1, max_size=POOL_MAX, kwargs=options,
                                        check=ConnectionPool.check_connection, open=False,
                                        name=f"center-store-{self.where}")
            self._pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
        except (psycopg.Error, PoolTimeout) as exc:
            raise StoreUnavailable(self.where, str(exc).strip()) from None

    def create(self, ddl: str) -> None:
        """Create tables and indexes that do not exist yet (one instance at a time)."""
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            conn.execute(ddl.format(**COLUMN_TYPES["postgres"]))

    def add_columns(self, table: str, columns: dict[str, str]) -> None:
        """Add the columns `table` lacks (one instance at a time, as `create`)."""
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            for name, kind in columns.items():
                conn.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {name} "
                             + kind.format(**COLUMN_TYPES["postgres"]))

    def migrate(self, store: str, steps: Sequence[Migration[Transaction]]) -> int:
        """Run the steps newer than the version in table schema_version, under the schema
        lock: instances starting together migrate once, the others wait and find it done."""
        with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            cur.execute("CREATE TABLE IF NOT EXISTS schema_version "
                        "(store TEXT PRIMARY KEY, version INTEGER NOT NULL)")
            row = cur.execute("SELECT version FROM schema_version WHERE store=%s",
                              (store,)).fetchone()
            found = int(row[0]) if row else 0
            for step in plan(found, steps, self.where, store):
                step.apply(PostgresTransaction(cur))
                cur.execute("INSERT INTO schema_version VALUES (%s, %s) ON CONFLICT (store) "
                            "DO UPDATE SET version=excluded.version", (store, step.version))
                found = step.version
        return found

    @contextmanager
    def transaction(self, durable: bool = True) -> Iterator[PostgresTransaction]:
        """BEGIN … COMMIT on a pooled connection, rolled back if the block raises."""
        with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            if not durable:
                cur.execute("SET LOCAL synchronous_commit TO off")
            yield PostgresTransaction(cur)

    def rows(self, sql: str, args: Sequence[Any] = ()) -> list[Row]:
        """The rows of one query."""
        with self._pool.connection() as conn:
            return conn.execute(to_psycopg(sql), tuple(args)).fetchall()

    def close(self) -> None:
        """Close every pooled connection."""
        self._pool.close()
