"""Which travellers each ward was told about, per local day: the source of ward summaries.

Kept in its own table of the store's database, so every center instance sharing the store
counts every instance's notices and a restarted center counts the whole day. The rows are
derived (each can be rebuilt from the events), so commits here skip the wait for the disk.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from center.stores import StoreLocation, open_database

SCHEMA = """
CREATE TABLE IF NOT EXISTS ward_notices (
    ward {text} NOT NULL,
    day {text} NOT NULL,
    event_id {text} NOT NULL,
    outcome {text} NOT NULL,
    PRIMARY KEY (ward, day, event_id)
) {without_rowid};
"""

PUT_NOTICE = ("INSERT INTO ward_notices VALUES (?,?,?,?) ON CONFLICT (ward, day, event_id) "
              "DO UPDATE SET outcome=excluded.outcome")


class WardBook:
    """Arrivals announced per (ward, day); `where` None keeps them in memory."""

    def __init__(self, where: StoreLocation = None) -> None:
        self.db = open_database(where)
        self.db.create(SCHEMA)

    def put(self, notices: list[tuple[str, date, str, str]]) -> None:
        """Record (or update) notices (ward, day, event_id, outcome) in one commit."""
        if not notices:
            return
        # Sorted: one lock order for every instance (see Store.add_events).
        rows = sorted((w, d.isoformat(), e, o) for w, d, e, o in notices)
        with self.db.transaction(durable=False) as tx:
            tx.executemany(PUT_NOTICE, rows)

    def drop(self, event_id: str) -> list[tuple[str, date]]:
        """Forget a notice (staff let the traveller through); returns the (ward, day) it was in."""
        with self.db.transaction(durable=False) as tx:
            rows = tx.execute("DELETE FROM ward_notices WHERE event_id=? RETURNING ward, day",
                              (event_id,))
        return [(ward, date.fromisoformat(day)) for ward, day in rows]

    def counts(self, ward: str, day: date) -> tuple[Counter[str], str | None]:
        """(notices by outcome, the newest event id) of a ward's day."""
        rows = self.db.rows("SELECT outcome, count(*), max(event_id) FROM ward_notices "
                            "WHERE ward=? AND day=? GROUP BY outcome", (ward, day.isoformat()))
        return (Counter({outcome: int(n) for outcome, n, _ in rows}),
                max((last for _, _, last in rows), default=None))

    def close(self) -> None:
        """Close the file or the connections."""
        self.db.close()
