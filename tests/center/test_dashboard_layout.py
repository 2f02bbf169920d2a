"""The dashboard's layout at 80x24 (one section at a time under tabs, the posts first) and
at 200x50 (everything at once), in Vietnamese and English: what the screen really shows.

SVG snapshots beside text captures; update the SVGs with
`pytest tests/center/test_dashboard_layout.py --snapshot-update` after checking the report.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot

from center.dashboard.app import CenterDashboard
from tests.center.test_dashboard import app_for, live, shown, until
from tests.center.traffic import POSTS

__all__ = ["live"]  # the fixture, shared with test_dashboard.py

SMALL, BIG = (80, 24), (200, 50)
ALL_POSTS = [*POSTS, "muong-lay"]  # muong-lay is configured but never heard from
STATUS = {"vi": "TRỰC TUYẾN|MẤT KẾT NỐI|—", "en": "ONLINE|OFFLINE|—"}


def screen_text(app: CenterDashboard) -> str:
    """The screen as plain text, as a monitor would read it."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True,
                      force_terminal=True, color_system="truecolor", legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


def post_rows(text: str, lang: str) -> list[str]:
    """The posts whose row of the posts table is on screen (a kiosk row has its id next)."""
    return [post for post in ALL_POSTS
            if re.search(rf"^ {post} +({STATUS[lang]})", text, re.MULTILINE)]


async def ready(app: CenterDashboard, pilot: Pilot[None], lang: str, *keys: str) -> None:
    """Wait for the first snapshot, switch language, press keys, let the tabs settle."""
    await until(pilot, lambda: shown(app))
    if lang == "en":
        await pilot.press("l")
    await pilot.press(*keys)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.3)


@pytest.mark.asyncio
@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_at_80x24_every_post_has_its_row_under_the_numbered_tabs(live, lang):
    app = app_for(*live)
    async with app.run_test(size=SMALL) as pilot:
        await ready(app, pilot, lang)
        text = screen_text(app)
        assert post_rows(text, lang) == ALL_POSTS, text
        tabs = {"vi": "1 Chốt kiểm soát  2 Máy quét  3 Cảnh báo (4)  4 Theo giờ",
                "en": "1 Posts  2 Kiosks  3 Alerts (4)  4 By hour"}[lang]
        assert tabs in text
        assert "l Tiếng Việt / English" in text  # the way back, whatever the language
        # five posts leave room for the kiosks below them
        assert re.search(rf"^ pha-din +k2 +({STATUS[lang]})", text, re.MULTILINE), text


@pytest.mark.asyncio
async def test_at_80x24_a_province_of_many_posts_keeps_the_first_tab_for_its_posts(live):
    watch, counts = live
    many = [f"post-{n:02d}" for n in range(25)]
    watch.sections.alerts.known_posts.extend(many)
    app = app_for(watch, counts)
    async with app.run_test(size=SMALL) as pilot:
        await ready(app, pilot, "vi")
        text = screen_text(app)
        shown_posts = re.findall(r"^ (post-\d\d) +— ", text, re.MULTILINE)
        # sorted by name: tay-trang comes after post-24
        assert post_rows(text, "vi") == ["huoi-puoc", "pha-din", "muong-lay"], text
        assert shown_posts == many[:14], text  # every line down to the footer (no scrollbar)
        assert "KHÔNG RÕ" not in text  # the kiosks wait on their own tab
        await pilot.press("2")
        await pilot.pause(0.3)
        assert "KHÔNG RÕ (chốt mất mạng)" in screen_text(app)


@pytest.mark.asyncio
async def test_at_80x24_the_number_keys_bring_kiosks_alerts_and_the_chart_forward(live):
    app = app_for(*live)
    async with app.run_test(size=SMALL) as pilot:
        await ready(app, pilot, "vi", "3")
        text = screen_text(app)
        assert "Người có sốt tại chốt" in text and "Chốt mất kết nối" in text
        assert post_rows(text, "vi") == []
        await pilot.press("2")
        await pilot.pause(0.3)
        assert "CHƯA CẬP NHẬT" in screen_text(app)  # pha-din/k2 behind the policy
        await pilot.press("4")
        await pilot.pause(0.3)
        assert "Lượt quét theo giờ hôm nay" in screen_text(app)
        await pilot.press("1")
        await pilot.pause(0.3)
        assert post_rows(screen_text(app), "vi") == ALL_POSTS


@pytest.mark.asyncio
async def test_the_smallest_wide_layout_still_shows_every_post_beside_the_alerts(live):
    app = app_for(*live)
    async with app.run_test(size=(120, 30)) as pilot:  # the demo's tmux window
        await ready(app, pilot, "vi")
        text = screen_text(app)
        assert post_rows(text, "vi") == ALL_POSTS, text
        assert "Chốt mất kết nối" in text and "1 Chốt kiểm soát" not in text


@pytest.mark.asyncio
async def test_a_terminal_shrunk_to_80x24_switches_to_tabs_and_grown_back_shows_all(live):
    app = app_for(*live)
    async with app.run_test(size=BIG) as pilot:
        await ready(app, pilot, "vi")
        wide = screen_text(app)
        assert post_rows(wide, "vi") == ALL_POSTS
        assert "Người có sốt tại chốt" in wide and "Lượt quét theo giờ" in wide
        assert "1 Chốt kiểm soát" not in wide
        await pilot.resize_terminal(*SMALL)
        await pilot.pause(0.3)
        small = screen_text(app)
        assert post_rows(small, "vi") == ALL_POSTS and "1 Chốt kiểm soát" in small
        await pilot.resize_terminal(*BIG)
        await pilot.pause(0.3)
        assert "Người có sốt tại chốt" in screen_text(app)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("size", [SMALL, BIG], ids=["80x24", "200x50"])
def test_snapshot(snap_compare: Any, live, size: tuple[int, int], lang: str) -> None:
    app = app_for(*live)

    async def settle(pilot: Pilot[None]) -> None:
        await ready(app, pilot, lang)

    assert snap_compare(app, terminal_size=size, run_before=settle)


def test_snapshot_of_the_alerts_tab_at_80x24(snap_compare: Any, live) -> None:
    app = app_for(*live)

    async def alerts(pilot: Pilot[None]) -> None:
        await ready(app, pilot, "vi", "3")

    assert snap_compare(app, terminal_size=SMALL, run_before=alerts)
