"""`chot bench center-store` on a small run: every backend stores every event exactly once."""

from __future__ import annotations

import argparse
import json

import pytest

from chot.commands.center_store import bench_center_store


def test_bench_center_store_stores_every_event_once_in_every_run(capsys):
    assert bench_center_store(argparse.Namespace(events=2500)) == 0
    result = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert result["events"] == 2500 and result["stored_once"] is True
    for key in ("sqlite_events_per_s", "postgres_events_per_s",
                "postgres_two_instances_events_per_s"):
        assert result[key] > 0
    assert result["ratio_postgres"] == pytest.approx(
        result["postgres_events_per_s"] / result["sqlite_events_per_s"], rel=0.01)

def test_a_bench_of_no_events_is_refused(capsys):
    assert bench_center_store(argparse.Namespace(events=0)) == 2
    assert json.loads(capsys.readouterr().out)["reason"] == "bad_argument"
