"""Every word on a Vietnamese screen is Vietnamese (English after F9), and nothing wraps or is
cut at 80×24."""

from __future__ import annotations

import io

import pytest
from kiosk_harness import Kiosk
from rich.console import Console
from test_kiosk_flows import SIZE, settle, typed
from textual.widgets._toast import Toast

from center.dashboard.widgets.alerts_table import alert_detail
from kiosk_ui.device_words import device_detail
from kiosk_ui.ports import DeviceHealth
from kiosk_ui.screen_text import screen_text


@pytest.mark.asyncio
async def test_a_device_error_toast_is_in_words_and_leaves_the_status_line_visible(
        kiosk: Kiosk) -> None:
    async with kiosk.app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(kiosk, pilot)
        kiosk.scan("clear")
        await settle(kiosk, pilot)
        kiosk.link.state = DeviceHealth("down", "post broker unreachable")
        kiosk.thermometer.state = DeviceHealth("down", "/dev/ttyACM0: thermometer_bus")
        kiosk.app.refresh_status()
        await settle(kiosk, pilot)
        toasts = list(kiosk.app.screen.query(Toast))
        bottom = max(toast.region.bottom for toast in toasts)
        text = screen_text(kiosk.app)
    assert "Thiết bị lỗi: MẠNG: không tới được máy chủ của chốt" in kiosk.app.notices
    assert "Thiết bị lỗi: NHIỆT: /dev/ttyACM0: lỗi bus cảm biến nhiệt" in kiosk.app.notices
    assert not [n for n in kiosk.app.notices if "unreachable" in n or "_bus" in n]
    assert bottom <= SIZE[1] - 2  # the status line and the key hints stay in view
    assert "MẠNG ✖HỎNG" in text.splitlines()[-2]


def test_device_details_are_put_into_words_in_both_languages() -> None:
    assert device_detail("no frame for 3.2 s", "vi") == "không có hình 3.2 giây"
    assert device_detail("cannot open /dev/video0", "en") == "cannot open /dev/video0"
    assert device_detail("cannot open /dev/video0", "vi") == "không mở được /dev/video0"
    assert device_detail("internal_error", "vi").startswith("Lỗi nội bộ")
    assert device_detail("something new", "vi") == "something new"


def test_alert_details_read_as_words_not_codes() -> None:
    assert alert_detail("bad_signature", "vi") == "Chữ ký sai: mã giả mạo hoặc bị sửa"
    assert alert_detail("connection_lost", "vi") == "mất kết nối"
    assert alert_detail("connection_lost", "en") == "connection lost"
    assert alert_detail("disk_full: disk full: new events are held back 97%", "vi") == \
        "Ổ đĩa đầy: chưa nhận thêm sự kiện: 97%"
    assert alert_detail("38.9 °C", "vi") == "38.9 °C"


@pytest.mark.asyncio
@pytest.mark.parametrize("language", ["vi", "en"])
async def test_history_fits_80_columns_after_an_override(language: str) -> None:
    from kiosk_harness import make_kiosk

    kiosk = make_kiosk(language=language)
    async with kiosk.app.run_test(size=SIZE) as pilot:
        await settle(kiosk, pilot)
        for outcome in ("clear", "home_quarantine", "central_quarantine", "medical_check",
                        "rejected", "cccd"):
            kiosk.scan(outcome)
            await settle(kiosk, pilot)
        await pilot.press("f3", "down", *typed("xe cap cuu"), "enter")
        await settle(kiosk, pilot)
        await pilot.press("f5")
        await settle(kiosk, pilot)
        lines = screen_text(kiosk.app).splitlines()
    header, counters = lines[0], lines[1]
    assert "Tổng 6" in header or "Total 6" in header
    # Every outcome's counter on the line below, none cut, and the search box right after.
    assert counters.rstrip().endswith(("Từ chối 1", "Rejected 1"))  # the overridden CCCD: ⌂ 2
    assert lines[2].startswith("▊")
    columns = next(line for line in lines if line.startswith((" Giờ", " Time")))
    assert "°C" in columns
    assert sum("36.6" in line for line in lines) == 6  # every row keeps its temperature

def test_dashboard_totals_keep_each_outcome_on_one_line() -> None:
    from datetime import UTC, datetime

    from center.dashboard.snapshot import Snapshot
    from center.dashboard.widgets.totals_line import totals_text

    snapshot = Snapshot("11", datetime(2026, 11, 21, tzinfo=UTC), [], [], [], 0, [], 3, None,
                        counters={"stored": 12345, "quarantined": 2})
    console = Console(width=80, file=io.StringIO(), record=True)
    console.print(totals_text(snapshot, "vi"))
    lines = console.export_text().splitlines()
    assert any("Thiếu\u00a0TT" in line for line in lines)
    assert not any(line.rstrip().endswith("Thiếu") for line in lines)
