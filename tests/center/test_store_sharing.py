"""Several connections to the center's SQLite file, in one process and across processes.

The center opens its file three times (events, link log, ward book) and the dashboard opens
it again from its own process. Making the file private must never open a descriptor of it:
closing one drops every lock SQLite holds on the file in this process, and the dashboard's
connection, closing, then deleted the write-ahead log under the center's live connection
(events acknowledged to the gateways, then gone).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from center.stores.sqlite import SqliteDatabase

OPEN_AND_CLOSE = "from center.stores.sqlite import SqliteDatabase as D; D({path!r}).close()"


def test_commits_survive_a_second_connection_here_and_a_viewer_closing_elsewhere(
        tmp_path: Path) -> None:
    path = tmp_path / "center" / "center.sqlite"
    events = SqliteDatabase(path)
    events.create("CREATE TABLE IF NOT EXISTS t (x INTEGER)")
    ward_book = SqliteDatabase(path)  # a second connection in the same process
    subprocess.run([sys.executable, "-c", OPEN_AND_CLOSE.format(path=str(path))], check=True)
    with events.transaction() as tx:
        tx.executemany("INSERT INTO t VALUES (?)", [(1,), (2,)])
    assert Path(f"{path}-wal").exists()
    fresh = sqlite3.connect(path)
    try:
        assert fresh.execute("SELECT count(*) FROM t").fetchone() == (2,)
    finally:
        fresh.close()
        ward_book.close()
        events.close()
    assert path.stat().st_mode & 0o777 == 0o600
