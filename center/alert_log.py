"""The alerts raised, kept beside the events so a dashboard started later shows the day's.

Alerts travel on the alerts topic, which is not retained: a viewer opened at noon heard none
of the morning's. The instance that publishes an alert also appends it here; a viewer reads
the day's back at start. Rows older than KEEP_DAYS go (alerts name event ids, never people).
"""

from __future__ import annotations

import json
import time
from datetime import datetime

from center.alerts import Alert, alert_from_json
from center.storable_json import Unreadable, loads
from center.stores import StoreLocation, open_database

SCHEMA = """
CREATE TABLE IF NOT EXISTS alert_log (
    alert_id {text} PRIMARY KEY,
    at {real} NOT NULL,
    payload {text} NOT NULL
);
CREATE INDEX IF NOT EXISTS alert_log_at ON alert_log(at);
"""
KEEP_DAYS = 31
PRUNE_EVERY_S = 3600.0


class AlertLog:
    """Appends published alerts; reads back those since a time, oldest first."""

    def __init__(self, where: StoreLocation, read_only: bool = False) -> None:
        self.db = open_database(where, read_only=read_only)
        if not read_only:
            self.db.create(SCHEMA)
        self._pruned_at = 0.0

    def append(self, alert: Alert) -> None:
        """Keep one alert (once, by its id); now and then drop those past KEEP_DAYS."""
        payload = json.dumps(alert.to_json(), ensure_ascii=False)
        with self.db.transaction(durable=False) as tx:
            tx.execute("INSERT INTO alert_log VALUES (?,?,?) ON CONFLICT DO NOTHING",
                       (alert.alert_id, alert.at.timestamp(), payload))
        now = time.time()
        if now - self._pruned_at >= PRUNE_EVERY_S:
            self._pruned_at = now
            with self.db.transaction(durable=False) as tx:
                tx.execute("DELETE FROM alert_log WHERE at < ?", (now - KEEP_DAYS * 86_400,))

    def since(self, moment: datetime, limit: int = 500) -> list[Alert]:
        """The newest `limit` alerts raised from `moment` on, oldest first."""
        rows = self.db.rows("SELECT payload FROM alert_log WHERE at >= ? "
                            "ORDER BY at DESC, alert_id DESC LIMIT ?",
                            (moment.timestamp(), limit))
        alerts = []
        for (payload,) in reversed(rows):
            try:
                alert = alert_from_json(loads(payload.encode()))
            except Unreadable:
                continue
            if alert is not None:
                alerts.append(alert)
        return alerts

    def close(self) -> None:
        """Close the file or the connections."""
        self.db.close()
