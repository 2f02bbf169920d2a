"""The retention period at the center: travellers' details deleted, the daily counts kept.

After `[store] retention_days` (default 30: a 21-day quarantine and its follow-up, as no
directive states a period and the policy carries none) each stored event keeps only what the
reports count — type, post, kiosk, times, sequence, outcome, reasons, the ward and the scan a
staff action is about — and loses name, ID number, date of birth, phone, vehicle plate and
staff's free-text reason. Quarantined messages (whose excerpts may hold the same details)
and the record of raised alerts are deleted. `purge` runs on the service's schedule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from center.store import Store, province_day

PURGE_EVERY_S = 3600.0
ROWS_PER_COMMIT = 2000
# Everything else an event carries stays: the daily report and the dashboard count it.
PERSONAL_FIELDS: dict[str, Any] = {"identity": None, "vehicle_plate": "", "reason": ""}


def redact(event: dict[str, Any]) -> dict[str, Any]:
    """The event without personal data, marked `"redacted": true`."""
    kept = {k: PERSONAL_FIELDS.get(k, v) for k, v in event.items()}
    return {"redacted": True, **kept}


@dataclass(frozen=True)
class Purged:
    """What one purge changed."""

    events: int
    quarantined: int
    alert_claims: int


def purge(store: Store, now: datetime, retention_days: float) -> Purged:
    """Strip personal data from events of days older than the retention period, and delete
    older quarantined messages and alert records; the event rows (and so the counts) stay."""
    cutoff = now - timedelta(days=retention_days)
    before_day = province_day(cutoff)
    events = 0
    while True:
        rows = store.db.rows("SELECT event_id, payload FROM events WHERE personal = 1 "
                             "AND day < ? ORDER BY day LIMIT ?", (before_day, ROWS_PER_COMMIT))
        if not rows:
            break
        updates = [(json.dumps(redact(json.loads(payload)), ensure_ascii=False,
                               separators=(",", ":")), event_id) for event_id, payload in rows]
        with store.db.transaction() as tx:
            tx.executemany("UPDATE events SET payload = ?, personal = 0 WHERE event_id = ?",
                           updates)
        events += len(updates)
    with store.db.transaction() as tx:
        quarantined = len(tx.execute("DELETE FROM quarantine WHERE received_at < ? "
                                     "RETURNING id", (cutoff.timestamp(),)))
        claims = len(tx.execute("DELETE FROM alert_claims WHERE at < ? RETURNING at",
                                (cutoff.timestamp(),)))
    return Purged(events, quarantined, claims)
