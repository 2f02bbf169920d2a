"""Opening SQLite files for durable use: WAL, fsync on every commit, a size cap."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PAGE_SIZE = 4096


def open_durable(path: str | Path, max_size_mb: float | None = None) -> sqlite3.Connection:
    """A connection whose commits are on disk when they return (WAL + synchronous=FULL).

    max_size_mb caps the main file, so a full outbox is reported as SQLITE_FULL before the
    card itself fills and takes the operating system down with it.
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False,
                           timeout=30.0)
    conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    if max_size_mb is not None:
        conn.execute(f"PRAGMA max_page_count={max(16, int(max_size_mb * 2**20 / PAGE_SIZE))}")
    return conn


@contextmanager
def relaxed_sync(conn: sqlite3.Connection) -> Iterator[None]:
    """Commit without waiting for fsync, for writes whose loss only costs a resend (acks).

    In WAL mode the next fully synced commit makes these durable too, in order.
    """
    conn.execute("PRAGMA synchronous=NORMAL")
    try:
        yield
    finally:
        conn.execute("PRAGMA synchronous=FULL")


def is_disk_full(exc: sqlite3.Error) -> bool:
    """True for SQLITE_FULL (disk or size cap reached) and ENOSPC-like I/O failures."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code == sqlite3.SQLITE_FULL or "full" in str(exc).lower()
