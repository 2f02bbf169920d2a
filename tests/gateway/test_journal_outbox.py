"""The kiosk journal and the gateway outbox on real SQLite files."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from ulid import ULID

from gateway.outbox import Incoming, Outbox, OutboxFull
from infra.wire import ULID_RE
from kiosk_ui.journal import Journal, JournalFull
from sim.load import run_load, sample_makers


def test_journal_assigns_ulid_and_gapless_sequence_that_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "k1.db"
    journal = Journal(path, "P01", "K1")
    first = journal.record(sample_makers()[0])
    batch = journal.record_many(sample_makers())
    journal.close()
    again = Journal(path, "P01", "K1")
    later = again.record(sample_makers()[1])

    assert [e["seq"] for e in [first, *batch, later]] == [1, 2, 3, 4, 5]
    assert all(ULID_RE.match(e["event_id"]) for e in [first, *batch, later])
    assert first["post"] == "P01" and first["kiosk"] == "K1" and first["type"] == "scan"
    assert [e.seq for e in again.pending()] == [1, 2, 3, 4, 5]


def test_acked_events_leave_pending_and_are_purged_after_retention(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "k1.db", "P01", "K1")
    events = journal.record_many(sample_makers())
    assert journal.ack([events[0]["event_id"], events[1]["event_id"]]) == 2
    assert journal.ack([events[0]["event_id"]]) == 0
    assert [e.seq for e in journal.pending()] == [3]
    assert journal.purge(retention_s=3600) == 0
    assert journal.purge(retention_s=0) == 2
    # Sequence numbers never go back, even after the acked rows are gone.
    assert journal.record(sample_makers()[0])["seq"] == 4


def test_journal_listener_sees_exactly_the_committed_bytes(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "k1.db", "P01", "K1")
    seen: list[bytes] = []
    journal.add_listener(lambda entries: seen.extend(e.payload for e in entries))
    journal.record_many(sample_makers())
    assert seen == [e.payload for e in journal.pending()]


def test_full_journal_refuses_the_scan_instead_of_losing_it(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "k1.db", "P01", "K1", max_size_mb=0.1)
    recorded = 0
    with pytest.raises(JournalFull):
        for _ in range(1000):
            recorded += len(journal.record_many(sample_makers()))
    assert journal.counts()["last_seq"] == recorded == len(journal.pending(limit=10_000))


def _incoming(event_id: str, kiosk: str = "K1") -> Incoming:
    return Incoming(event_id, kiosk, f"chot/v1/01/kiosk/P01/{kiosk}/events",
                    b'{"event_id":"%s"}' % event_id.encode())


def test_outbox_is_idempotent_and_remembers_what_the_center_acked(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "gw.db")
    a, b = "01J00000000000000000000000", "01J00000000000000000000001"
    assert [o.event_id for o in outbox.add([_incoming(a), _incoming(b)]).new] == [a, b]
    assert outbox.add([_incoming(a)]).new == []
    assert [o.event_id for o in outbox.pending(0, 10)] == [a, b]
    assert outbox.ack([a, "01J0000000000000000000000Z"]) == [(a, "K1")]
    again = outbox.add([_incoming(a)])
    assert again.new == [] and again.already_delivered == [(a, "K1")]
    assert [o.event_id for o in outbox.pending(0, 10)] == [b]
    assert outbox.backlog()[0] == 1
    assert outbox.purge(0) == 1


def test_outbox_full_raises_and_keeps_what_it_had(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "gw.db", max_size_mb=0.1)
    added = 0
    with pytest.raises(OutboxFull):
        for i in range(10_000):
            batch = [_incoming(f"01J{i:05d}{j:018d}") for j in range(10)]
            batch = [Incoming(x.event_id, x.kiosk, x.topic, x.payload * 20) for x in batch]
            added += len(outbox.add(batch).new)
    assert added > 0
    count = sqlite3.connect(tmp_path / "gw.db").execute("SELECT count(*) FROM outbox").fetchone()
    assert count[0] == added


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_journal_and_outbox_are_private_files_in_private_folders(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)  # a typical system umask, under which files come out 0644
    try:
        tmp_path.chmod(0o755)
        journal = Journal(tmp_path / "var" / "chot" / "kiosk.db", "P", "K")
        run_load(journal, 3, rate=0)
        outbox = Outbox(tmp_path / "gw" / "outbox.db")
        outbox.add([_incoming(str(ULID()))])
        for folder in (tmp_path / "var", tmp_path / "var" / "chot", tmp_path / "gw"):
            assert mode(folder) == 0o700, folder
        assert mode(tmp_path) == 0o755  # a folder we did not create is left alone
        for db in (journal.path, outbox.path):
            for suffix in ("", "-wal", "-shm"):
                companion = db.with_name(db.name + suffix)
                assert mode(companion) == 0o600, companion
        journal.close()
        outbox.close()
    finally:
        os.umask(old_umask)


def test_an_existing_world_readable_journal_is_made_private_before_use(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        db = tmp_path / "kiosk.db"
        journal = Journal(db, "P", "K")
        run_load(journal, 2, rate=0)
        journal.close()
        for suffix in ("", "-wal", "-shm"):
            if db.with_name(db.name + suffix).exists():
                db.with_name(db.name + suffix).chmod(0o644)  # as an older version left it
        journal = Journal(db, "P", "K")
        assert mode(db) == 0o600
        assert all(mode(db.with_name(db.name + s)) == 0o600 for s in ("-wal", "-shm")
                   if db.with_name(db.name + s).exists())
        assert journal.counts()["last_seq"] == 2
        journal.close()
    finally:
        os.umask(old_umask)
