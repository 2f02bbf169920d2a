"""Every store keeps a schema version, and files a previous release wrote open with nothing lost.

release_files/ holds a kiosk journal, a gateway outbox and a center store written by the
previous release's own code (make_release_files.py says how), with what they held.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest

from center.store import Store
from gateway.outbox import Outbox
from infra.config import ConfigProblem
from infra.schema_version import Migration, migrate, schema_version, unchanged
from kiosk_ui.journal import Journal
from sim.load import sample_makers

RELEASE = Path(__file__).parent / "release_files"
HELD: dict[str, Any] = json.loads((RELEASE / "held.json").read_text())
IDS: list[str] = HELD["event_ids"]


def released(tmp_path: Path, name: str) -> Path:
    """A copy of a file the previous release wrote (still at version 0)."""
    copy = tmp_path / name
    shutil.copyfile(RELEASE / name, copy)
    with sqlite3.connect(copy) as conn:
        assert schema_version(conn) == 0
    return copy


def version_of(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return schema_version(conn)


def test_a_released_journal_is_migrated_with_every_event_and_document(tmp_path: Path) -> None:
    path = released(tmp_path, "journal.sqlite")
    journal = Journal(path, "P01", "K1")
    assert journal.schema_version == 1
    assert [entry.event_id for entry in journal.pending(0, 100)] == IDS[2:]
    assert journal.counts()["last_seq"] == len(IDS) and journal.counts()["pending"] == 4
    assert journal.doc("policy") == (3, HELD["policy"])
    journal.record(sample_makers()[0])  # the sequence goes on where the old code stopped
    assert journal.counts()["last_seq"] == len(IDS) + 1
    journal.close()
    assert version_of(path) == 1
    again = Journal(path, "P01", "K1")
    assert again.schema_version == 1 and again.counts()["pending"] == 5
    again.close()


def test_a_released_outbox_is_migrated_with_its_backlog_tombstones_and_documents(
        tmp_path: Path) -> None:
    outbox = Outbox(released(tmp_path, "outbox.sqlite"))
    assert outbox.schema_version == 1
    assert [entry.event_id for entry in outbox.pending(0, 100)] == IDS[1:]
    assert outbox.ack(IDS[:1]) == [(IDS[0], "K1")]  # the tombstone still answers a resend
    assert outbox.doc("trust") == (2, HELD["trust"])
    outbox.close()


def test_a_released_center_store_is_migrated_with_every_event(tmp_path: Path) -> None:
    path = released(tmp_path, "center.sqlite")
    store = Store(path)
    assert store.schema_version == 1
    assert store.count_events() == len(IDS)
    rows = store.db.rows("SELECT event_id, payload FROM events ORDER BY event_id")
    assert {event_id: json.loads(payload) for event_id, payload in rows} == \
        {event["event_id"]: event for event in HELD["events"]}
    store.close()
    assert version_of(path) == 1


@pytest.mark.parametrize("name", ["journal.sqlite", "outbox.sqlite", "center.sqlite"])
def test_a_file_from_newer_code_is_refused_not_misread(tmp_path: Path, name: str) -> None:
    path = released(tmp_path, name)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version=99")
    opener = {"journal.sqlite": lambda: Journal(path, "P01", "K1"),
              "outbox.sqlite": lambda: Outbox(path), "center.sqlite": lambda: Store(path)}[name]
    with pytest.raises(ConfigProblem) as refused:
        opener()
    assert refused.value.reason == "store_too_new"
    assert "nâng cấp chot" in str(refused.value) and "upgrade chot" in str(refused.value)


def test_a_step_that_fails_leaves_the_file_at_its_old_version(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "s.sqlite", isolation_level=None)
    conn.execute("CREATE TABLE t (a TEXT)")
    conn.execute("INSERT INTO t VALUES ('kept')")

    def split(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE t RENAME TO old_t")
        raise sqlite3.OperationalError("disk I/O error")

    steps = [Migration(1, "first", unchanged), Migration(2, "rename", split)]
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, tmp_path / "s.sqlite", "test", steps)
    assert schema_version(conn) == 1
    assert conn.execute("SELECT a FROM t").fetchall() == [("kept",)]
    steps[1] = Migration(2, "rename", lambda db: db.execute("ALTER TABLE t RENAME TO u"))
    assert migrate(conn, tmp_path / "s.sqlite", "test", steps) == 2
    assert conn.execute("SELECT a FROM u").fetchall() == [("kept",)]


def test_postgres_records_the_version_and_keeps_a_previous_release_database(
        postgres: Any) -> None:
    url = postgres.database()
    store = Store(url)
    store.add_events(HELD["events"])
    store.close()
    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute("SELECT version FROM schema_version WHERE store='center'"
                            ).fetchone() == (1,)
        # A database as the previous release left it: the same tables, no version kept.
        conn.execute("DROP TABLE schema_version")
    store = Store(url)
    assert store.schema_version == 1 and store.count_events() == len(IDS)
    store.close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE schema_version SET version=99")
    with pytest.raises(ConfigProblem) as refused:
        Store(url)
    assert refused.value.reason == "store_too_new"
