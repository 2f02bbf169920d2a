"""A dashboard opened later (`chot center --view`) shows the day so far (issue 17, item 9).

A running center on a real mosquitto hears a post come online, a feverish traveller, and the
post going offline and back; minutes later an operator opens a viewer. Under Pilot, the real
viewer must show the day's alerts (not "Cảnh báo (0)"), the post online since it really came
back (not "0 s"), and every alert once, also those raised while it runs.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable

from center.alerts import AlertKind
from center.dashboard.app import CenterDashboard
from center.dashboard.run import snapshot_source, start_viewer
from center.dashboard.snapshot import take_snapshot
from center.queries import TodayCounts
from center.settings import load_center_config
from infra import topics
from infra.polling import wait_until as wait_for
from tests.center.test_bounded_state import PROV, started, state
from tests.center.test_center_instances import Listener
from tests.center.test_dashboard import NOON, app_for, cells, live, shown, until
from tests.center.test_dashboard_layout import screen_text

pytestmark = pytest.mark.asyncio
__all__ = ["live"]  # the fixture, shared with test_dashboard.py
WAIT_S = 20.0


def toggle(publisher: Listener, post: str) -> None:
    """The post's gateway stops cleanly and comes back."""
    topic = topics.gateway_state(PROV, post)
    publisher.publish(topic, state("offline", post=post, reason="shutdown"), retain=True)
    publisher.publish(topic, state("online", post=post, backlog=0), retain=True)


@pytest.mark.timeout(120)
async def test_a_dashboard_started_later_shows_the_day_so_far_and_each_alert_once(
        mosquitto: Any, center_config: Callable[..., Path], traffic):
    cfg_path = center_config(mosquitto, extra="[alerts]\nflap_changes = 10\n")
    service = started(cfg_path)
    publisher = Listener(mosquitto.port, [topics.alerts(PROV)])
    fever = next(e for e in traffic if "fever" in e.get("reasons", []))
    post = fever["post"]
    counts: TodayCounts | None = None
    live = None
    try:
        publisher.publish(topics.gateway_state(PROV, post),
                          state("online", post=post, backlog=0), retain=True)
        publisher.publish(topics.kiosk_events(PROV, post, fever["kiosk"]),
                          json.dumps(fever, ensure_ascii=False).encode())
        toggle(publisher, post)
        alerts = service.watch.alert_counts
        assert wait_for(lambda: alerts.get("fever") == 1 and alerts.get("post_online") == 1,
                        WAIT_S)
        recorded_since = service.watch.monitor.gateways[post].since
        assert recorded_since is not None
        time.sleep(2.5)  # the post has been back a while when the operator opens a viewer

        cfg, sections = load_center_config(cfg_path)
        watch, live = start_viewer(cfg, sections)
        counts = TodayCounts(cfg.store)
        app = CenterDashboard(snapshot_source(watch, counts), watch.tz, "vi", 0.3)
        async with app.run_test(size=(80, 24)) as pilot:  # the tabs name the count
            await until(pilot, lambda: app.snapshot is not None and any(
                row.post == post and row.online for row in app.snapshot.posts))
            snapshot = app.snapshot
            assert snapshot is not None
            kinds = Counter(a.kind for a in snapshot.alerts)
            assert kinds == {AlertKind.FEVER: 1, AlertKind.POST_OFFLINE: 1,
                             AlertKind.POST_ONLINE: 1}
            await until(pilot, lambda: "Cảnh báo (3)" in screen_text(app))
            row = next(r for r in snapshot.posts if r.post == post)
            assert row.since is not None
            assert abs((row.since - recorded_since).total_seconds()) < 0.01
            posts = app.screen.query_one("#posts", DataTable)
            assert cells(posts, post)[1] != "TRỰC TUYẾN 0 s"
            assert int(cells(posts, post)[1].split()[-2]) >= 2

            # Alerts raised while it runs come once each, not once from each side.
            toggle(publisher, post)
            await until(pilot, lambda: Counter(a.kind for a in app.snapshot.alerts)
                        [AlertKind.POST_OFFLINE] == 2)
            await pilot.pause(1.0)
            shown = app.snapshot.alerts
            assert len({a.alert_id for a in shown}) == len(shown) == 5
    finally:
        if live is not None:
            live.stop()
        if counts is not None:
            counts.close()
        publisher.stop()
        service.stop()


async def test_the_dashboard_says_when_the_center_lost_its_own_broker(live):
    watch, counts = live
    watch.on_broker(False, NOON + timedelta(minutes=1, seconds=30))
    app = app_for(watch, counts)
    async with app.run_test(size=(200, 50)) as pilot:
        await until(pilot, lambda: shown(app))
        text = screen_text(app)
        assert "TRUNG TÂM MẤT KẾT NỐI BROKER từ 12:01:30" in text, text
        # Not the posts' fault: their status is unknown, none is shown offline.
        assert app.snapshot is not None and {r.online for r in app.snapshot.posts} == {None}
        assert "MẤT KẾT NỐI 60 s" not in text
    watch.on_broker(True, NOON + timedelta(minutes=2))
    assert take_snapshot(watch, counts, NOON).broker_down_since is None
