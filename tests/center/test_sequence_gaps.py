"""Sequence gaps that stay open (events stolen on the way) raise one alert per gap, published
by one center instance only (issue 14, item 3)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from center.sequence_gaps import GapTracker, sequence_gaps
from center.settings import CenterSections
from center.store import Store
from center.watch import CenterWatch

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def kiosk_events(traffic: list[dict[str, Any]], post: str, kiosk: str) -> list[dict[str, Any]]:
    return sorted((e for e in traffic if (e["post"], e["kiosk"]) == (post, kiosk)),
                  key=lambda e: e["seq"])


def test_missing_numbers_below_a_later_event_are_found(store_at: str, traffic):
    store = Store(store_at)
    events = kiosk_events(traffic, "tay-trang", "k1")[:20]
    stolen = {4, 5, 6, 15}
    store.add_events([e for e in events if e["seq"] not in stolen])
    store.add_events(kiosk_events(traffic, "pha-din", "k1")[:10])  # complete: no gap
    now = datetime.fromisoformat(events[-1]["at"].replace("Z", "+00:00"))
    assert sequence_gaps(store.db, now) == [("tay-trang", "k1", 4, 6), ("tay-trang", "k1", 15, 15)]
    store.close()


def test_a_gap_open_past_the_delay_raises_one_alert_until_it_closes():
    tracker = GapTracker(after_s=300)
    gap = [("tay-trang", "k1", 4, 6)]
    assert tracker.update(gap, NOW) == []  # may be events still on the way
    assert tracker.update(gap, NOW + timedelta(seconds=120)) == []
    alerts = tracker.update(gap, NOW + timedelta(seconds=301))
    assert [(a.kind, a.post, a.kiosk, a.count) for a in alerts] == [
        ("sequence_gap", "tay-trang", "k1", 3)]
    assert tracker.update(gap, NOW + timedelta(seconds=900)) == []  # one per gap, not per turn
    # A resend fills it from below: the same gap, still no second alert.
    assert tracker.update([("tay-trang", "k1", 5, 6)], NOW + timedelta(seconds=1000)) == []
    # Events taken later open a new gap: a new alert once it too has lasted.
    later = [("tay-trang", "k1", 5, 6), ("tay-trang", "k1", 40, 52)]
    assert tracker.update(later, NOW + timedelta(seconds=1100)) == []
    alerts = tracker.update(later, NOW + timedelta(seconds=1500))
    assert [a.count for a in alerts] == [13]
    assert tracker.update([], NOW + timedelta(seconds=1600)) == []


def test_two_instances_on_one_store_publish_a_gap_once(store_at: str):
    store = Store(store_at)
    published: list[dict[str, Any]] = []
    watches = [CenterWatch("11", CenterSections(), lambda t, p, r: published.append(
        json.loads(p)), claims=store) for _ in range(2)]
    gap = [("tay-trang", "k1", 4, 6)]
    for watch in watches:
        watch.on_gaps(gap, NOW)
    for watch in watches:
        watch.on_gaps(gap, NOW + timedelta(seconds=301))
    assert [(a["kind"], a["count"]) for a in published] == [("sequence_gap", 3)]
    assert published[0]["vi"] and published[0]["en"]
    store.close()
