"""The operators' dashboard under Pilot, on a real store of a day's traffic and live states."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path
from time import monotonic
from typing import Any

import pytest
from textual.widgets import DataTable, Static

from center.alerts import AlertKind
from center.dashboard.app import CenterDashboard
from center.dashboard.snapshot import take_snapshot
from center.queries import TodayCounts
from center.settings import CenterSections
from center.store import Store
from center.watch import CenterWatch
from tests.center.conftest import DAY
from tests.center.traffic import POSTS, TZ

NOON = datetime.combine(DAY, time(12), TZ)
pytestmark = pytest.mark.asyncio


def state(status: str, **fields: Any) -> bytes:
    return json.dumps({"schema": 1, "status": status, **fields}).encode()


@pytest.fixture
def live(traffic, tmp_path: Path) -> tuple[CenterWatch, TodayCounts]:
    """A watch that heard every post and kiosk, one post gone by Last Will, policy v2 out."""
    store = Store(tmp_path / "center.db")
    store.add_events(traffic)
    store.close()
    sections = CenterSections.model_validate(
        {"alerts": {"known_posts": [*POSTS, "muong-lay"]}})
    watch = CenterWatch("11", sections, clock=lambda: NOON)
    watch.on_document("policy", json.dumps({"version": 2}).encode())
    for post, kiosks in POSTS.items():
        watch.on_state(f"chot/v1/11/gateway/{post}/state",
                       state("online", post=post, backlog=3, oldest_pending_age_s=75.0,
                             policy_version=2), NOON)
        for kiosk in kiosks:
            version = 1 if (post, kiosk) == ("pha-din", "k2") else 2
            watch.on_state(f"chot/v1/11/kiosk/{post}/{kiosk}/state",
                           state("online", post=post, kiosk=kiosk, pending=0,
                                 policy_version=version, trust_version=1), NOON)
    watch.on_state("chot/v1/11/gateway/huoi-puoc/state",
                   state("offline", post="huoi-puoc", reason="connection_lost"),
                   NOON + timedelta(minutes=1))
    watch.settle(NOON + timedelta(minutes=2))  # the Last Will confirmed: the post is gone
    watch.on_state("chot/v1/11/gateway/pha-din/state",
                   state("online", post="pha-din", backlog=0, policy_version=2,
                         alarms=[{"code": "clock_jump", "vi": "Đồng hồ hệ thống vừa nhảy",
                                  "en": "the system clock jumped", "detail": "+42.0 s"}]),
                   NOON + timedelta(minutes=1))
    watch.on_stored([e for e in traffic if "fever" in e.get("reasons", [])][:2])
    return watch, TodayCounts(tmp_path / "center.db")


def app_for(watch: CenterWatch, counts: TodayCounts) -> CenterDashboard:
    now = NOON + timedelta(minutes=2)
    return CenterDashboard(lambda: take_snapshot(watch, counts, now,
                                                 counts.by_post(DAY, TZ)), TZ, refresh_s=0.2)


def cells(table: DataTable[Any], key: str) -> list[str]:
    return [str(c) for c in table.get_row(key)]


async def until(pilot: Any, predicate: Callable[[], bool], timeout: float = 15.0) -> None:
    """Let the app run until predicate holds (snapshots come from a thread worker)."""
    deadline = monotonic() + timeout
    while monotonic() < deadline:
        try:
            if predicate():
                return
        except Exception:  # noqa: BLE001 - rows not there yet
            pass
        await pilot.pause(0.05)
    assert predicate()


def shown(app: CenterDashboard) -> bool:
    return app.snapshot is not None and \
        app.screen.query_one("#posts", DataTable).row_count > 0


async def test_the_overview_shows_posts_kiosks_totals_and_alerts_in_vietnamese(live, traffic):
    watch, counts = live
    app = app_for(watch, counts)
    async with app.run_test(size=(160, 50)) as pilot:
        await until(pilot, lambda: shown(app))
        posts = app.screen.query_one("#posts", DataTable)
        assert cells(posts, "huoi-puoc")[1] == "MẤT KẾT NỐI 60 s"
        never_heard = cells(posts, "muong-lay")  # configured, never heard from
        assert never_heard[1] == never_heard[4] == "—"
        assert cells(posts, "pha-din")[6] == "Lệch giờ"  # clock_jump, in words
        tay_trang = cells(posts, "tay-trang")
        assert tay_trang[1] == "TRỰC TUYẾN 2 ph" and tay_trang[4] == "3 (75 s)"
        assert tay_trang[3] == "2/2"
        scans = sum(1 for e in traffic if e["type"] == "scan" and e["post"] == "tay-trang")
        assert tay_trang[2] == str(scans)  # right after the status: a narrow screen keeps it
        kiosks = app.screen.query_one("#kiosks", DataTable)
        assert cells(kiosks, "pha-din/k2")[4] == "v1 CHƯA CẬP NHẬT"
        assert cells(kiosks, "pha-din/k1")[4] == "v2"
        assert cells(kiosks, "huoi-puoc/k1")[2].startswith("KHÔNG RÕ")
        # No-break spaces keep each outcome and its count on one line; read them as spaces.
        totals = str(app.screen.query_one("#totals", Static).content).replace("\xa0", " ")
        clear = sum(1 for e in traffic if e["type"] == "scan" and e["outcome"] == "clear")
        assert f"Được qua {clear}" in totals
        assert "Chính sách v2 — 4/5 máy đã nhận" in totals
        alerts = app.screen.query_one("#alerts", DataTable)
        kinds = [str(alerts.get_row_at(i)[1]) for i in range(alerts.row_count)]
        assert kinds.count("Người có sốt tại chốt") == 2 and "Chốt mất kết nối" in kinds
        assert "Thiết bị báo sự cố" in kinds
        assert "ĐIỆN BIÊN" in str(app.screen.query_one("#title", Static).content)


async def test_l_switches_to_english_and_back(live):
    watch, counts = live
    app = app_for(watch, counts)
    async with app.run_test(size=(160, 50)) as pilot:
        await until(pilot, lambda: shown(app))
        await pilot.press("l")
        posts = app.screen.query_one("#posts", DataTable)
        await until(pilot, lambda: cells(posts, "huoi-puoc")[1] == "OFFLINE 60 s")
        assert [str(c.label) for c in posts.columns.values()][:2] == ["Post", "Status"]
        assert cells(posts, "huoi-puoc")[1] == "OFFLINE 60 s"
        assert "Policy v2 — 4/5 kiosks have it" in str(app.screen.query_one("#totals",
                                                                            Static).content)
        await pilot.press("l")
        await until(pilot, lambda: cells(posts, "huoi-puoc")[1] == "MẤT KẾT NỐI 60 s")


async def test_a_post_that_comes_back_and_a_kiosk_that_updates_show_on_the_next_refresh(live):
    watch, counts = live
    app = app_for(watch, counts)
    async with app.run_test(size=(160, 50)) as pilot:
        await until(pilot, lambda: shown(app))
        watch.on_state("chot/v1/11/gateway/huoi-puoc/state",
                       state("online", post="huoi-puoc", backlog=40,
                             oldest_pending_age_s=600.0, policy_version=2),
                       NOON + timedelta(minutes=5))
        watch.on_state("chot/v1/11/kiosk/pha-din/k2/state",
                       state("online", post="pha-din", kiosk="k2", pending=0,
                             policy_version=2), NOON + timedelta(minutes=5))
        await pilot.press("r")
        posts = app.screen.query_one("#posts", DataTable)
        await until(pilot, lambda: cells(posts, "huoi-puoc")[1].startswith("TRỰC TUYẾN"))
        assert cells(posts, "huoi-puoc")[4] == "40 (10 ph)"
        assert cells(app.screen.query_one("#kiosks", DataTable), "pha-din/k2")[4] == "v2"
        assert "5/5" in str(app.screen.query_one("#totals", Static).content)
    assert AlertKind.POST_ONLINE in {a.kind for a in watch.alerts()}


async def test_a_store_that_cannot_be_read_keeps_the_last_picture_and_says_so(live):
    watch, counts = live
    app = app_for(watch, counts)
    async with app.run_test(size=(160, 50)) as pilot:
        await until(pilot, lambda: shown(app))
        counts.close()  # every read now fails, as with the database server gone

        def notices() -> int:
            return sum("Không đọc được kho dữ liệu" in str(n.message)
                       for n in app._notifications)

        await until(pilot, lambda: notices() >= 1)
        # A snapshot taken just before the close may still land; after the first failure
        # nothing new can, and the next failed refreshes leave the picture as it was.
        kept = app.snapshot
        await until(pilot, lambda: notices() >= 3)
        assert app.is_running and kept is not None and app.snapshot is kept
        posts = app.screen.query_one("#posts", DataTable)
        assert cells(posts, "huoi-puoc")[1] == "MẤT KẾT NỐI 60 s"


async def test_the_trust_list_rollout_counts_the_kiosks_that_hold_it(live):
    from center.dashboard.widgets.totals_line import totals_text

    watch, counts = live
    now = NOON + timedelta(minutes=2)
    assert "DS tin cậy" not in str(totals_text(take_snapshot(watch, counts, now), "vi"))
    watch.on_document("trust", json.dumps({"version": 1}).encode())
    assert "DS tin cậy v1 — 5/5" in str(totals_text(take_snapshot(watch, counts, now), "vi"))
    watch.on_document("trust", json.dumps({"version": 2}).encode())  # nobody has it yet
    assert "Trust list v2 — 0/5" in str(totals_text(take_snapshot(watch, counts, now), "en"))


async def test_todays_certificate_arrivals_show_by_type_and_country(live, traffic, tmp_path):
    from center.dashboard.widgets.totals_line import totals_text

    watch, _ = live
    scans = [e for e in traffic if e["type"] == "scan" and e["outcome"] != "incomplete"][:4]
    facts = [("vaccination", "DE"), ("vaccination", "DE"), ("test", "TH"), ("vaccination", None)]
    certified = [{**scan, "certificate": {"format": "eu-dcc", "type": kind, "country": country,
                                          "doses": 2, "series": 2, "test_result": None,
                                          "signer": "C=DE,CN=DSC", "kid": "abc"}}
                 for scan, (kind, country) in zip(scans, facts, strict=True)]
    asking = {**[e for e in traffic if e["type"] == "scan"
                 and e["event_id"] not in {s["event_id"] for s in scans}][0],
              "outcome": "incomplete", "certificate": certified[0]["certificate"]}
    store = Store(tmp_path / "certificates.db")
    store.add_events([*certified, asking])
    store.close()
    counts = TodayCounts(tmp_path / "certificates.db")
    found = counts.certificates(DAY, TZ)
    assert found == {("vaccination", "DE"): 2, ("test", "TH"): 1, ("vaccination", ""): 1}
    now = NOON + timedelta(minutes=2)
    line = str(totals_text(take_snapshot(watch, counts, now, certificates=found), "vi"))
    assert "Chứng nhận: XN\u00a0TH\u00a01 · Tiêm\u00a0?\u00a01 · Tiêm\u00a0DE\u00a02" in line
    english = str(totals_text(take_snapshot(watch, counts, now, certificates=found), "en"))
    assert "Certificates: Test\u00a0TH\u00a01" in english
