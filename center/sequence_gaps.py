"""Gaps in kiosks' sequence numbers that do not close: events stolen or lost on the way.

Each kiosk numbers its events 1, 2, 3 …; a number missing below a later one is an event
still on the way (the gateway resends after its ack timeout) or one that will never come (an
attacker's subscription took it). A gap still open after `after_s` raises one alert, named
by the number just above it, so every center instance names it alike and the shared alert
record lets one of them publish it; a gap that closes is forgotten.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from center.alerts import Alert, AlertKind
from center.store import province_day
from center.stores import Database

# Gaps are looked for among recent days only: the query stays cheap as the table grows.
DAYS_SCANNED = 2
CHECK_EVERY_S = 60.0
# The recent rows are picked by day first (an index search) and sorted by kiosk apart. Left
# to itself SQLite walked the whole table in (post, kiosk, seq) order to spare that sort and
# filtered `day` row by row: 3.8 s at 1M stored events, growing with history.
GAPS_SQL = """
WITH recent AS MATERIALIZED (SELECT post, kiosk, seq FROM events WHERE day >= ?)
SELECT post, kiosk, prev + 1, seq - 1 FROM (
    SELECT post, kiosk, seq, lag(seq) OVER (PARTITION BY post, kiosk ORDER BY seq) AS prev
    FROM recent
) ordered WHERE seq > prev + 1 ORDER BY post, kiosk, seq
"""

Gap = tuple[str, str, int, int]  # post, kiosk, first and last missing number


def sequence_gaps(db: Database, now: datetime) -> list[Gap]:
    """Missing runs of sequence numbers among the events of the last days.

    Give it a connection of its own (the service's reader): over a busy province's two days
    the scan takes a few hundred ms, and on ingest's connection it held commits back for as
    long (p99 kiosk → center 0.9 s in `chot bench gateway --events 100000`).
    """
    since = province_day(now - timedelta(days=DAYS_SCANNED))
    return [(str(p), str(k), int(lo), int(hi)) for p, k, lo, hi in db.rows(GAPS_SQL, (since,))]


class GapTracker:
    """Remembers since when each gap is open; `update` returns the alerts now due."""

    def __init__(self, after_s: float) -> None:
        self.after_s = after_s
        self._since: dict[tuple[str, str, int], datetime] = {}
        self._alerted: set[tuple[str, str, int]] = set()

    def update(self, gaps: Iterable[Gap], now: datetime) -> list[Alert]:
        """Take the gaps open now; one alert for each open longer than `after_s`."""
        # Named by the number above the gap: resent events fill a gap from below.
        current = {(post, kiosk, hi + 1): (lo, hi) for post, kiosk, lo, hi in gaps}
        self._since = {key: self._since.get(key, now) for key in current}
        self._alerted &= set(current)
        alerts = []
        for key, (lo, hi) in current.items():
            open_s = (now - self._since[key]).total_seconds()
            if key in self._alerted or open_s < self.after_s:
                continue
            self._alerted.add(key)
            post, kiosk, above = key
            missing = hi - lo + 1
            alerts.append(Alert(AlertKind.SEQUENCE_GAP, now, post, kiosk, count=missing,
                                detail=f"seq {lo}-{hi} missing ({missing}) for {open_s:.0f} s",
                                basis=f"gap below seq {above}", detail_code="sequence_gap",
                                detail_args={"lo": lo, "hi": hi, "missing": missing,
                                             "open_s": open_s}))
        return alerts
