"""Costs that stay flat (issue 21, item 6): a device state costs the same with 100 or 2,000
devices known, and the SQLite gap scan the same behind 0 or 60,000 older events.

Both run the benchmarks' own code (`chot bench state`, `chot bench gaps`) on real SQLite
files, smaller; the bounds are ratios within one run (the old code gave 40× and 26×).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from center.sequence_gaps import GAPS_SQL
from center.store import Store, province_day
from sim.bench.center_costs import gap_scan_ms, state_cost_us


def test_the_cost_of_a_state_does_not_grow_with_the_number_of_devices(tmp_path: Path):
    state_cost_us(tmp_path, 100, 500)  # warm-up
    small = state_cost_us(tmp_path, 100, 4000)
    large = state_cost_us(tmp_path, 2000, 4000)
    assert small["devices"] == 100 and large["devices"] == 2000
    assert large["per_state_us"] <= 3 * small["per_state_us"], (small, large)


def test_the_gap_scan_reads_the_recent_days_by_index_not_the_whole_table(tmp_path: Path):
    store = Store(tmp_path / "center.db")
    since = province_day(datetime.now(UTC) - timedelta(days=2))
    plan = " | ".join(str(row[-1]) for row in store.db.rows("EXPLAIN QUERY PLAN " + GAPS_SQL,
                                                              (since,)))
    store.close()
    assert "SEARCH events USING" in plan and "(day>?)" in plan, plan
    assert "SCAN events" not in plan, plan


def test_the_gap_scan_costs_the_same_behind_a_long_history(tmp_path: Path):
    now = datetime.now(UTC)
    fresh = gap_scan_ms(tmp_path, 0, 5000, now)
    old = gap_scan_ms(tmp_path, 60_000, 5000, now)
    assert fresh["gaps"] == old["gaps"] == 200  # the same gaps found behind the history
    assert old["scan_ms"] <= 4 * max(fresh["scan_ms"], 2.0), (fresh, old)
