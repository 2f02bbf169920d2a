"""The history of posts and kiosks going offline and back, kept for the daily report.

The store keeps only each device's last state; outages need the changes. The log lives in
its own table of the same SQLite file, so one file holds all the center knows.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from gateway.sqlite import open_durable

SCHEMA = """
CREATE TABLE IF NOT EXISTS link_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    post TEXT NOT NULL,
    kiosk TEXT,
    online INTEGER NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS link_changes_at ON link_changes(at);
"""


class LinkLog:
    """Appends (post, kiosk, online, at) changes; reads them back for a time window."""

    def __init__(self, path: str | Path) -> None:
        self._db = open_durable(path)
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def record(self, post: str, kiosk: str | None, online: bool, at: datetime) -> None:
        """Note that a post's gateway (kiosk None) or a kiosk went online or offline."""
        with self._lock:
            self._db.execute("INSERT INTO link_changes(post, kiosk, online, at) "
                             "VALUES (?,?,?,?)", (post, kiosk, int(online), at.timestamp()))

    def changes(self, until: datetime) -> list[tuple[str, str | None, bool, datetime]]:
        """Every change up to `until`, oldest first."""
        with self._lock:
            rows = self._db.execute("SELECT post, kiosk, online, at FROM link_changes "
                                    "WHERE at < ? ORDER BY at, id",
                                    (until.timestamp(),)).fetchall()
        return [(post, kiosk, bool(online), datetime.fromtimestamp(at, UTC))
                for post, kiosk, online, at in rows]

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()
