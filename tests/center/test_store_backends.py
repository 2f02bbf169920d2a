"""The store behaves the same on a SQLite file and on PostgreSQL, including when two center
instances (two connections) write the same things at once."""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from center.link_log import LinkLog
from center.queries import TodayCounts
from center.settings import load_center_config
from center.store import Store, province_day
from center.stores import StoreUnavailable, open_database
from chot.commands import center as center_command
from chot.commands.center.run import run_center
from infra.config import ConfigProblem
from sim.broker import free_port
from tests.broker.parts import example_center_config
from tests.center.conftest import DAY
from tests.center.traffic import TZ

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def race(workers: int, work: Any) -> list[Any]:
    """Run work(index) in `workers` threads started together; their results in order."""
    start = threading.Barrier(workers)
    results: list[Any] = [None] * workers

    def run(index: int) -> None:
        start.wait()
        results[index] = work(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_events_are_stored_once_and_read_back_alike(store_at: str, traffic):
    store = Store(store_at)
    try:
        assert store.add_events(traffic) == traffic
        new_one = {**traffic[0], "event_id": "01KZZZZZZZZZZZZZZZZZZZZZZZ", "seq": 999}
        again = [traffic[3], new_one, traffic[3], new_one]
        assert store.add_events(again) == [new_one]  # twice in one batch: new once
        assert store.count_events() == len(traffic) + 1
        day = province_day(traffic[100]["at"])
        on_day = [e for e in [*traffic, new_one] if province_day(e["at"]) == day]
        assert store.events(day=day) == sorted(on_day, key=lambda e: (e["at"], e["event_id"]))
        assert store.events(newest_first=True, limit=3) == \
            sorted([*traffic, new_one], key=lambda e: (e["at"], e["event_id"]))[::-1][:3]
        assert store.event(traffic[7]["event_id"]) == traffic[7]
        assert store.event("01KXXXXXXXXXXXXXXXXXXXXXXX") is None
        scans = Counter((e["post"], e["outcome"]) for e in [*traffic, new_one]
                        if e["type"] == "scan")
        assert store.outcome_counts() == dict(scans)
        sequences = {(s.post, s.kiosk): (s.count, s.max_seq) for s in store.kiosk_sequences()}
        post, kiosk = traffic[0]["post"], traffic[0]["kiosk"]
        mine = [e["seq"] for e in traffic if (e["post"], e["kiosk"]) == (post, kiosk)]
        assert sequences[post, kiosk] == (len(mine) + 1, 999)
    finally:
        store.close()


def test_two_instances_storing_the_same_events_at_once_store_each_once(store_at: str, traffic):
    stores = [Store(store_at), Store(store_at)]
    batches = [traffic[i:i + 40] for i in range(0, len(traffic), 40)]

    def ingest(index: int) -> list[str]:
        # Each instance gets every batch (a redelivery storm), in its own order.
        order = batches[:]
        random.Random(index).shuffle(order)
        return [e["event_id"] for batch in order for e in stores[index].add_events(batch)]

    try:
        first, second = race(2, ingest)
        assert len(first) + len(second) == len(traffic)
        assert set(first) | set(second) == {e["event_id"] for e in traffic}
        assert stores[0].count_events() == len(traffic)
    finally:
        for store in stores:
            store.close()


def test_quarantine_and_device_states_keep_hostile_text(store_at: str):
    store = Store(store_at)
    try:
        store.add_quarantined([("chot/v1/11/kiosk/p/k/events", "p", "k", None, "topic_mismatch",
                                "payload says p\x00/k", b"\xff\x00{")])
        store.set_states([("chot/v1/11/kiosk/p/k/state", "kiosk", "p", "k",
                           b'{"status": "online", "note": "a\\u0000b"}'),
                          ("chot/v1/11/gateway/p/state", "gateway", "p", None, b"\xff")])
        store.set_states([("chot/v1/11/kiosk/p/k/state", "kiosk", "p", "k",
                           b'{"status": "offline"}')])
        [kept] = store.quarantined()
        assert kept["detail"] == "payload says p\\u0000/k" and kept["payload"] == "\ufffd\x00{"
        states = store.states()
        assert [(s.kind, s.kiosk, s.status) for s in states] == [("gateway", None, None),
                                                                 ("kiosk", "k", "offline")]
        assert [s.kind for s in store.states("kiosk")] == ["kiosk"]
    finally:
        store.close()


def test_an_alert_is_claimed_by_one_instance_only(store_at: str):
    stores = [Store(store_at) for _ in range(3)]
    try:
        won = race(3, lambda i: stores[i].claim_alert("kiosk_offline|p|k|2026-11-21T09:00Z", NOW))
        assert sorted(won) == [False, False, True]
        assert stores[0].claim_alert("kiosk_offline|p|k|2026-11-21T10:00Z", NOW)
    finally:
        for store in stores:
            store.close()


def test_a_link_change_is_logged_once_however_many_instances_hear_it(store_at: str):
    logs = [LinkLog(store_at), LinkLog(store_at)]
    try:
        assert race(2, lambda i: logs[i].record("p", None, False, NOW + timedelta(seconds=i))) \
            in ([True, False], [False, True])
        assert not logs[0].record("p", None, False, NOW + timedelta(seconds=5))
        assert logs[1].record("p", "k1", False, NOW + timedelta(seconds=6))  # a kiosk apart
        assert logs[1].record("p", None, True, NOW + timedelta(minutes=10))
        changes = logs[0].changes(NOW + timedelta(hours=1))
        assert [(post, kiosk, online) for post, kiosk, online, _ in changes] == \
            [("p", None, False), ("p", "k1", False), ("p", None, True)]
        assert changes[2][3] == NOW + timedelta(minutes=10)
        assert logs[0].changes(NOW + timedelta(minutes=1))[-1][1] == "k1"
    finally:
        for log in logs:
            log.close()


def test_the_dashboard_counts_read_only(store_at: str, traffic):
    store = Store(store_at)
    store.add_events(traffic)
    store.close()
    counts = TodayCounts(store_at)
    try:
        hours, fevers = counts.hourly(DAY, TZ)
        scans = [e for e in traffic if e["type"] == "scan"]
        assert sum(sum(h.values()) for h in hours) == len(scans)
        first = datetime.fromisoformat(scans[0]["at"].replace("Z", "+00:00")).astimezone(TZ)
        assert hours[first.hour][scans[0]["outcome"]] >= 1
        assert fevers == sum("fever" in e.get("reasons", []) for e in scans)
        assert counts.by_post(DAY, TZ) == dict(Counter(e["post"] for e in scans))
        refused = (sqlite3.OperationalError, psycopg.errors.ReadOnlySqlTransaction)
        with pytest.raises(refused), counts.db.transaction() as tx:
            tx.execute("DELETE FROM events")
    finally:
        counts.close()


@pytest.mark.parametrize("store, problem", [
    ('path = "c.db"\nurl = "postgresql://h/db"', "store: "),
    ("", "store: "),
    ('url = "mysql://h/db"', "store.url: "),
])
def test_the_store_takes_a_path_or_a_url_exactly(center_config, tmp_path: Path, store, problem):
    text = center_config().read_text("utf-8")
    config = tmp_path / "bad.toml"
    config.write_text(text.replace(f'path = "{tmp_path / "center.db"}"', store), "utf-8")
    with pytest.raises(ConfigProblem) as caught:
        load_center_config(config)
    message = str(caught.value)
    assert problem in message and " / " in message and "store." in message


def test_an_unreachable_database_gets_a_bilingual_answer_without_its_password(
        center_config, capsys):
    url = f"postgresql://chot:s3cret@127.0.0.1:{free_port()}/center"
    with pytest.raises(StoreUnavailable) as caught:
        open_database(url)
    assert "s3cret" not in str(caught.value) and "chot:***@" in str(caught.value)
    config = center_config(store=url)
    for args in (["report", "--config", str(config)],
                 ["arrivals", "--config", str(config), "--ward", "03127"]):
        root = argparse.ArgumentParser()
        center_command.add_subcommands(root.add_subparsers())
        parsed = root.parse_args(args)
        assert parsed.handler(parsed) == 2
        answer = json.loads(capsys.readouterr().out.splitlines()[-1])
        assert answer["reason"] == "store_unavailable" and " / " in answer["error"]
        assert "s3cret" not in answer["error"]
    headless = argparse.Namespace(config=str(config), headless=True,
                                  log_level="ERROR")
    assert run_center(headless) == 2
    assert json.loads(capsys.readouterr().out)["reason"] == "store_unavailable"


def test_an_instance_keeps_its_files_beside_sqlite_or_where_told(tmp_path: Path):
    from center.config import StoreConfig

    assert StoreConfig(path=tmp_path / "c.db").files_folder() == tmp_path
    shared = StoreConfig(url="postgresql://center:pw@db:5432/chot", folder=tmp_path / "one")
    assert shared.files_folder() == tmp_path / "one"
    assert shared.where() == "postgresql://center:***@db:5432/chot"
    assert StoreConfig(url="postgresql://db/chot").files_folder() == Path.cwd()


def test_the_deployment_examples_load(tmp_path: Path):
    single, _ = load_center_config(example_center_config("center.toml", tmp_path))
    shared, _ = load_center_config(example_center_config("center-postgres.toml", tmp_path))
    assert single.store.path is not None and single.store.url is None
    assert shared.store.url is not None and shared.store.path is None
    assert shared.store.files_folder() == Path("/var/lib/chot/center-2")


def test_a_restarted_database_server_is_reconnected_to(postgres, traffic):
    store = Store(postgres.database())
    try:
        assert len(store.add_events(traffic[:10])) == 10
        postgres.restart()  # every pooled connection is now dead
        assert len(store.add_events(traffic[5:20])) == 10
        assert store.count_events() == 20
    finally:
        store.close()
