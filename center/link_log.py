"""The history of posts and kiosks going offline and back, kept for the daily report.

The store keeps only each device's last state; outages need the changes. Every center
instance hears every state, so each change is recorded once: the link's status row is
updated only when it differs, and only the instance whose update went through appends the
change (and raises its alert). The tables live beside the events, in the same database.
"""

from __future__ import annotations

from datetime import UTC, datetime

from center.stores import StoreLocation, open_database

SCHEMA = """
CREATE TABLE IF NOT EXISTS link_changes (
    id {serial},
    post {text} NOT NULL,
    kiosk {text},
    online INTEGER NOT NULL,
    at {real} NOT NULL
);
CREATE INDEX IF NOT EXISTS link_changes_at ON link_changes(at);
CREATE TABLE IF NOT EXISTS link_status (
    post {text} NOT NULL,
    kiosk {text} NOT NULL,
    online INTEGER NOT NULL,
    since {real} NOT NULL,
    PRIMARY KEY (post, kiosk)
);
"""

# The WHERE makes a repeated status a no-op, so RETURNING yields a row only for a change.
CHANGE_STATUS = ("INSERT INTO link_status VALUES (?,?,?,?) ON CONFLICT (post, kiosk) DO UPDATE "
                 "SET online=excluded.online, since=excluded.since "
                 "WHERE link_status.online <> excluded.online RETURNING since")


class LinkLog:
    """Appends (post, kiosk, online, at) changes; reads them back for a time window."""

    def __init__(self, where: StoreLocation, read_only: bool = False) -> None:
        self.db = open_database(where, read_only=read_only)
        if not read_only:
            self.db.create(SCHEMA)

    def record(self, post: str, kiosk: str | None, online: bool, at: datetime) -> bool:
        """Note that a post's gateway (kiosk None) or a kiosk went online or offline; False
        when the shared status already says so (another instance recorded this change)."""
        with self.db.transaction() as tx:
            # A gateway is kiosk '' in the status key: NULLs never conflict.
            if not tx.execute(CHANGE_STATUS, (post, kiosk or "", int(online), at.timestamp())):
                return False
            tx.execute("INSERT INTO link_changes(post, kiosk, online, at) VALUES (?,?,?,?)",
                       (post, kiosk, int(online), at.timestamp()))
        return True

    def changes(self, until: datetime) -> list[tuple[str, str | None, bool, datetime]]:
        """Every change up to `until`, oldest first."""
        rows = self.db.rows("SELECT post, kiosk, online, at FROM link_changes "
                            "WHERE at < ? ORDER BY at, id", (until.timestamp(),))
        return [(post, kiosk, bool(online), datetime.fromtimestamp(at, UTC))
                for post, kiosk, online, at in rows]

    def statuses(self) -> list[tuple[str, str | None, bool, datetime]]:
        """Each device's recorded status and since when: (post, kiosk, online, since)."""
        rows = self.db.rows("SELECT post, kiosk, online, since FROM link_status")
        return [(post, kiosk or None, bool(online), datetime.fromtimestamp(since, UTC))
                for post, kiosk, online, since in rows]

    def devices(self) -> list[tuple[str, str | None]]:
        """Every device with a recorded status or change."""
        rows = self.db.rows("SELECT post, kiosk FROM link_status UNION "
                            "SELECT DISTINCT post, coalesce(kiosk, '') FROM link_changes")
        return [(post, kiosk or None) for post, kiosk in rows]

    def forget(self, devices: list[tuple[str, str | None]]) -> None:
        """Delete the status and history of devices the center no longer keeps."""
        with self.db.transaction(durable=False) as tx:
            for post, kiosk in devices:
                tx.execute("DELETE FROM link_status WHERE post=? AND kiosk=?", (post, kiosk or ""))
                if kiosk is None:
                    tx.execute("DELETE FROM link_changes WHERE post=? AND kiosk IS NULL", (post,))
                else:
                    tx.execute("DELETE FROM link_changes WHERE post=? AND kiosk=?", (post, kiosk))

    def close(self) -> None:
        """Close the file or the connections."""
        self.db.close()
