"""Personal data at rest at the center: private files, and a retention period after which
travellers' details are deleted while the daily counts stay."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

from center.day import zone
from center.publish import Ledger
from center.queries import daily_report
from center.schedule import write_report
from center.store import Store
from tests.center.conftest import DAY

TZ = zone("Asia/Ho_Chi_Minh")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_reports_and_ledger_are_private_whatever_the_umask(tmp_path: Path, traffic):
    old = os.umask(0o022)
    try:
        store = Store(tmp_path / "state" / "center.db")
        store.add_events(traffic[:20])
        ledger = Ledger(tmp_path / "ledger")
        ledger.record({"kind": "policy", "version": 1})
        report = daily_report(store, None, "11", DAY, TZ, datetime.now(UTC))
        written = write_report(report, tmp_path / "reports", ["csv", "md"])
        files = [tmp_path / "state" / "center.db", tmp_path / "state" / "center.db-wal",
                 tmp_path / "ledger" / "published-policy.json", *written]
        store.close()
    finally:
        os.umask(old)
    for folder in ("state", "ledger", "reports"):
        assert mode(tmp_path / folder) == 0o700, folder
    for path in files:
        if path.exists():
            assert mode(path) == 0o600, path
    assert written and all(mode(p) == 0o600 for p in written)


def test_after_the_retention_period_old_events_lose_personal_data_but_not_their_counts(
        store_at: str, traffic):
    from datetime import timedelta

    from center.queries import TodayCounts
    from center.retention import purge

    store = Store(store_at)
    store.add_events(traffic)
    fresh = {**traffic[0], "event_id": "01KZZZZZZZZZZZZZZZZZZZZZZZ", "seq": 9999,
             "at": "2027-01-01T02:00:00.000Z"}
    store.add_events([fresh])
    store.add_quarantined([("t", "p", "k", None, "malformed_json", "junk", b"Nguyen Van A")])
    names = {e["identity"]["name"] for e in traffic if e.get("identity")}
    assert names
    now = datetime(2027, 1, 1, 3, 0, tzinfo=UTC)  # 41 days after DAY
    before = daily_report(store, None, "11", DAY, TZ, now).to_json()
    counts = TodayCounts(store_at)
    hourly_before = counts.hourly(DAY, TZ)
    done = purge(store, now, retention_days=30)
    assert done.events == len(traffic)
    after = daily_report(store, None, "11", DAY, TZ, now).to_json()
    assert after == before  # every number of the day's report comes out the same
    assert counts.hourly(DAY, TZ) == hourly_before
    counts.close()
    text = " ".join(row[0] for row in store.db.rows("SELECT payload FROM events"))
    assert not any(name in text for name in names - {fresh["identity"]["name"]})
    assert store.event(fresh["event_id"]) == fresh  # within the period: untouched
    old = store.event(traffic[0]["event_id"])
    assert old is not None and old["redacted"] and old["identity"] is None
    assert purge(store, now, retention_days=30).events == 0  # done once
    # Quarantined messages go too, once older than the period.
    assert purge(store, datetime.now(UTC) + timedelta(days=31), 30).quarantined == 1
    assert store.quarantined() == []
    store.close()
