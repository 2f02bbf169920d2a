"""Ward summaries count every center instance's notices and survive a restart (SQLite file
and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import datetime, time

from center.settings import CenterSections
from center.ward_book import WardBook
from center.watch import CenterWatch
from tests.center.conftest import DAY
from tests.center.traffic import TZ


def test_two_instances_and_a_restart_publish_whole_summaries(traffic, store_at: str):
    evening = datetime.combine(DAY, time(21), TZ)
    scans = [e for e in traffic if e["type"] == "scan"]
    ward = max((e["notify_ward"] for e in scans if e.get("notify_ward")),
               key=lambda w: sum(e.get("notify_ward") == w for e in scans))
    mine = [e for e in scans if e.get("notify_ward") == ward]
    assert len(mine) >= 3
    sent: list[tuple[str, dict[str, object], bool]] = []

    def watch() -> CenterWatch:
        return CenterWatch("11", CenterSections(), lambda t, p, r: sent.append(
            (t, json.loads(p), r)), book=WardBook(store_at), clock=lambda: evening)

    first, second = watch(), watch()
    first.on_stored(mine[:1])
    second.on_stored(mine[1:2])
    restarted = watch()
    restarted.on_stored(mine[2:3])
    restarted.on_stored(mine[2:3])  # the same notice again changes nothing
    summaries = [p for t, p, retained in sent if retained and t.endswith(f"/arrivals/{ward}")]
    assert [s["total"] for s in summaries] == [1, 2, 3, 3]
    assert summaries[-1]["date"] == DAY.isoformat()
    assert summaries[-1]["last_event_id"] == max(e["event_id"] for e in mine[:3])


def test_a_late_event_of_another_day_does_not_replace_todays_summary(traffic):
    scans = [e for e in traffic if e["type"] == "scan" and e.get("notify_ward")]
    sent: list[bool] = []
    next_day = datetime.combine(DAY, time(23, 59), TZ).replace(day=DAY.day + 1)
    watch = CenterWatch("11", CenterSections(), lambda t, p, r: sent.append(r),
                        clock=lambda: next_day)
    watch.on_stored(scans[:1])
    assert sent == [False]  # the arrival itself, but no retained summary
