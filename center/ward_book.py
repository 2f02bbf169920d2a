"""Which travellers each ward was told about, per local day: the source of ward summaries.

Kept in its own table of the store's SQLite file, so every center instance sharing the store
counts every instance's notices and a restarted center counts the whole day. The rows are
derived (each can be rebuilt from the events), so commits here skip the fsync.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from datetime import date
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS ward_notices (
    ward TEXT NOT NULL,
    day TEXT NOT NULL,
    event_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    PRIMARY KEY (ward, day, event_id)
) WITHOUT ROWID;
"""


class WardBook:
    """Arrivals announced per (ward, day); `path` None keeps them in memory."""

    def __init__(self, path: str | Path | None = None) -> None:
        self._db = sqlite3.connect(":memory:" if path is None else str(path),
                                   isolation_level=None, check_same_thread=False, timeout=30.0)
        if path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def put(self, notices: list[tuple[str, date, str, str]]) -> None:
        """Record (or update) notices (ward, day, event_id, outcome) in one commit."""
        if not notices:
            return
        with self._lock:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO ward_notices VALUES (?,?,?,?)",
                                 [(w, d.isoformat(), e, o) for w, d, e, o in notices])
            self._db.execute("COMMIT")

    def drop(self, event_id: str) -> list[tuple[str, date]]:
        """Forget a notice (staff let the traveller through); returns the (ward, day) it was in."""
        with self._lock:
            rows = self._db.execute("SELECT ward, day FROM ward_notices WHERE event_id=?",
                                    (event_id,)).fetchall()
            self._db.execute("DELETE FROM ward_notices WHERE event_id=?", (event_id,))
        return [(ward, date.fromisoformat(day)) for ward, day in rows]

    def counts(self, ward: str, day: date) -> tuple[Counter[str], str | None]:
        """(notices by outcome, the newest event id) of a ward's day."""
        with self._lock:
            rows = self._db.execute("SELECT outcome, count(*), max(event_id) FROM ward_notices "
                                    "WHERE ward=? AND day=? GROUP BY outcome",
                                    (ward, day.isoformat())).fetchall()
        return (Counter({outcome: int(n) for outcome, n, _ in rows}),
                max((last for _, _, last in rows), default=None))

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()
