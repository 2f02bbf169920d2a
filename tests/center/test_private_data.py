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
