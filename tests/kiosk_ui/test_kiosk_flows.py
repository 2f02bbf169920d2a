"""Staff at a post, driving the real app with the keyboard under Pilot."""

from __future__ import annotations

import pytest
from kiosk_harness import Kiosk, make_kiosk
from textual.pilot import Pilot

from kiosk_ui.screen_text import screen_text
from kiosk_ui.screens.manual import ManualScreen
from kiosk_ui.screens.place_picker import PlacePicker
from kiosk_ui.widgets.camera_preview import CameraPreview
from screening.event import ScanEvent, StaffAction
from screening.verdict import Outcome

SIZE = (80, 24)
pytestmark = pytest.mark.asyncio


async def settle(kiosk: Kiosk, pilot: Pilot[None]) -> None:
    """Let workers finish and their messages be drawn."""
    for _ in range(3):
        await pilot.pause()
        await kiosk.app.workers.wait_for_complete()
    await pilot.pause()


def typed(text: str) -> list[str]:
    """Key names that type `text` (a wedge reader, or staff on the keyboard)."""
    return ["space" if ch == " " else ch for ch in text]


def staff_actions(kiosk: Kiosk) -> list[StaffAction]:
    return [e for e in kiosk.journal.events if isinstance(e, StaffAction)]


def scans(kiosk: Kiosk) -> list[ScanEvent]:
    return [e for e in kiosk.journal.events if isinstance(e, ScanEvent)]


async def test_a_scan_is_committed_then_shown_with_bell_and_node_signal(kiosk: Kiosk) -> None:
    rings: list[int] = []
    kiosk.app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    async with kiosk.app.run_test(size=SIZE) as pilot:
        await settle(kiosk, pilot)
        assert "SẴN SÀNG QUÉT" in screen_text(kiosk.app)
        kiosk.scan("home_quarantine")
        await settle(kiosk, pilot)
        text = screen_text(kiosk.app)
    assert "CÁCH LY TẠI NHÀ" in text
    assert "Đến từ tỉnh khác" in text
    assert "Cách ly 14 ngày" in text and "Phường Điện Biên Phủ, Điện Biên" in text
    assert "N. V. Bình" in text and "*********789" in text and "001085006789" not in text
    assert "36.6 °C (3 giây trước)" in text
    assert [e.verdict.outcome for e in scans(kiosk)] == [Outcome.HOME_QUARANTINE]
    assert kiosk.thermometer.signals == [Outcome.HOME_QUARANTINE]
    assert rings == [1]
    assert kiosk.app.timings.summary().count == 1


async def test_a_forged_code_is_rejected_and_its_content_marked_unverified(kiosk: Kiosk) -> None:
    async with kiosk.app.run_test(size=SIZE) as pilot:
        await settle(kiosk, pilot)
        kiosk.scan("rejected", via="camera")
        await settle(kiosk, pilot)
        text = screen_text(kiosk.app)
    assert "TỪ CHỐI" in text and "Đơn vị cấp không được tin cậy" in text
    assert "CHƯA XÁC MINH" in text
    assert scans(kiosk)[0].verdict.outcome is Outcome.REJECTED


async def test_keyboard_wedge_line_is_scanned_on_enter(kiosk: Kiosk) -> None:
    async with kiosk.app.run_test(size=SIZE) as pilot:
        await settle(kiosk, pilot)
        await pilot.press(*typed(kiosk.codes["cccd"]))
        assert "⌨" in screen_text(kiosk.app)
        assert scans(kiosk) == []
        await pilot.press("enter")
        await settle(kiosk, pilot)
        text = screen_text(kiosk.app)
    assert scans(kiosk)[0].scan.identity is not None
    assert "CẦN NHẬP THÔNG TIN" in text
    assert "Cần nhập nơi đi và nơi đến" in text


async def test_confirm_records_a_staff_action(kiosk: Kiosk) -> None:
    async with kiosk.app.run_test(size=SIZE) as pilot:
        await settle(kiosk, pilot)
        kiosk.scan("clear")
        await settle(kiosk, pilot)
        await pilot.press("f2")
        await settle(kiosk, pilot)
        text = screen_text(kiosk.app)
    [action] = staff_actions(kiosk)
    assert action.action == "confirm"
    assert action.scan_event_id == scans(kiosk)[0].header.event_id
    assert "ĐÃ XÁC NHẬN" in text


async def test_override_needs_a_reason_and_is_audited(kiosk: Kiosk) -> None:
    async with kiosk.app.run_test(size=SIZE) as pilot:
        await settle(kiosk, pilot)
        kiosk.scan("central_quarantine")
        await settle(kiosk, pilot)
        await pilot.press("f3")
        await settle(kiosk, pilot)
        await pilot.press("enter")
        await settle(kiosk, pilot)
        assert "Phải ghi lý do" in screen_text(kiosk.app)
        assert staff_actions(kiosk) == []
        await pilot.press("down", *typed("xe cap cuu"), "enter")
        await settle(kiosk, pilot)
        text = screen_text(kiosk.app)
    [action] = staff_actions(kiosk)
    assert (action.action, action.outcome, action.reason) == (
        "override", Outcome.HOME_QUARANTINE, "xe cap cuu")
    assert "CÁN BỘ ĐỔI: xe cap cuu" in text
    assert "CÁCH LY TẠI NHÀ" in text
    assert kiosk.thermometer.signals[-1] is Outcome.HOME_QUARANTINE
    assert kiosk.app.shift.counts()[Outcome.HOME_QUARANTINE] == 1


async def test_escape_cancels_an_override(kiosk: Kiosk) -> None:
    async with kiosk.app.run_test(size=SIZE) as pilot:
        await settle(kiosk, pilot)
        kiosk.scan("clear")
        await settle(kiosk, pilot)
        await pilot.press("f3", *"abc", "escape")
        await settle(kiosk, pilot)
    assert staff_actions(kiosk) == []
    assert kiosk.app.shift.latest is not None and kiosk.app.shift.latest.override is None


async def test_revealing_the_id_is_logged_and_can_be_hidden_again(kiosk: Kiosk) -> None:
    async with kiosk.app.run_test(size=SIZE) as pilot:
        await settle(kiosk, pilot)
        kiosk.scan("clear")
        await settle(kiosk, pilot)
        assert "011185004321" not in screen_text(kiosk.app)
        await pilot.press("f7")
        await settle(kiosk, pilot)
        revealed = screen_text(kiosk.app)
        await pilot.press("f7")
        await settle(kiosk, pilot)
        hidden = screen_text(kiosk.app)
    assert "011185004321" in revealed and "Quàng Thị Hoa" in revealed
    assert "011185004321" not in hidden
    assert [a.action for a in staff_actions(kiosk)] == ["reveal_id"]


async def test_manual_declaration_after_a_cccd_scan(kiosk: Kiosk) -> None:
    async with kiosk.app.run_test(size=SIZE) as pilot:
        await settle(kiosk, pilot)
        kiosk.scan("cccd")
        await settle(kiosk, pilot)
        await pilot.press("f4")
        await settle(kiosk, pilot)
        assert isinstance(kiosk.app.screen, ManualScreen)
        assert "Lò Văn Thắng" in screen_text(kiosk.app)
        await pilot.press("f10")
        await settle(kiosk, pilot)
        assert "Thiếu: Nơi đi, Nơi đến" in screen_text(kiosk.app)
        kiosk.app.screen.query_one("#origin").focus()
        await pilot.press("enter")
        await settle(kiosk, pilot)
        assert isinstance(kiosk.app.screen, PlacePicker)
        await pilot.press(*typed("ba dinh"), "enter")
        await settle(kiosk, pilot)
        await pilot.press("enter")  # destination button has focus now
        await settle(kiosk, pilot)
        await pilot.press(*typed("dien bien phu"), "down", "up", "enter")
        await settle(kiosk, pilot)
        text = screen_text(kiosk.app)
        assert "Nơi đi: Phường Ba Đình, Thành phố Hà Nội" in text
        await pilot.press("f10")
        await settle(kiosk, pilot)
        text = screen_text(kiosk.app)
    first, manual = scans(kiosk)
    assert first.verdict.outcome is Outcome.INCOMPLETE
    assert manual.scan.identity == first.scan.identity
    assert manual.scan.travel is not None and manual.scan.travel.entered_by_staff
    assert manual.scan.travel.origin.ward == "00004"
    assert manual.scan.travel.destination.ward == "03127"
    assert manual.verdict.outcome is Outcome.HOME_QUARANTINE
    assert "CÁCH LY TẠI NHÀ" in text and "cán bộ nhập" in text


async def test_manual_form_filled_by_a_cccd_from_the_camera(kiosk: Kiosk) -> None:
    async with kiosk.app.run_test(size=SIZE) as pilot:
        await settle(kiosk, pilot)
        await pilot.press("f4")
        await settle(kiosk, pilot)
        kiosk.scan("cccd", via="camera")
        await settle(kiosk, pilot)
        text = screen_text(kiosk.app)
        kiosk.scan("clear")  # the queue keeps moving while staff fill the form
        await settle(kiosk, pilot)
        await pilot.press("escape")
        await settle(kiosk, pilot)
        after = screen_text(kiosk.app)
    assert "Đã đọc CCCD: Lò Văn Thắng" in text
    assert "ĐƯỢC QUA" in after  # shown once the form closed
    # Filling the form is not a scan of its own; the other traveller's code was.
    assert [e.verdict.outcome for e in scans(kiosk)] == [Outcome.CLEAR]


async def test_manual_declaration_typed_by_hand_without_any_card(kiosk: Kiosk) -> None:
    async with kiosk.app.run_test(size=SIZE) as pilot:
        await settle(kiosk, pilot)
        await pilot.press("f4")
        await settle(kiosk, pilot)
        await pilot.press("tab", *typed("Giàng A Páo"), "tab", *"011099000111", "tab", *"3113",
                          "f10")
        await settle(kiosk, pilot)
        assert "Ngày sinh" in screen_text(kiosk.app)
        screen = kiosk.app.screen
        assert isinstance(screen, ManualScreen)
        screen.query_one("#birth").value = "01012000"  # type: ignore[attr-defined]
        screen.query_one("#origin").focus()
        await pilot.press("enter", *"CN", "enter")
        await settle(kiosk, pilot)
        await pilot.press("enter", *typed("muong lay"), "enter")
        await settle(kiosk, pilot)
        await pilot.press("f10")
        await settle(kiosk, pilot)
    [event] = scans(kiosk)
    assert event.scan.identity is not None and event.scan.identity.name == "Giàng A Páo"
    assert event.scan.travel is not None and event.scan.travel.origin.country == "CN"
    assert event.verdict.outcome is Outcome.CENTRAL_QUARANTINE


async def test_history_counts_and_searches_without_accents(kiosk: Kiosk) -> None:
    async with kiosk.app.run_test(size=(100, 30)) as pilot:
        await settle(kiosk, pilot)
        for outcome in ("clear", "home_quarantine", "clear", "rejected"):
            kiosk.scan(outcome)
            await settle(kiosk, pilot)
        await pilot.press("f5")
        await settle(kiosk, pilot)
        everything = screen_text(kiosk.app)
        await pilot.press(*"binh")
        await settle(kiosk, pilot)
        found = screen_text(kiosk.app)
        await pilot.press("escape")
        await settle(kiosk, pilot)
        back = screen_text(kiosk.app)
    assert "Tổng 4" in everything and "Được qua 2" in everything and "Từ chối 1" in everything
    assert "N. V. Bình" in found and "Q. T. Hoa" not in found
    assert "Q. T. Hoa" in everything
    assert "SẴN SÀNG" not in back and "TỪ CHỐI" in back


async def test_camera_chooser_switches_and_reports_failures(kiosk: Kiosk) -> None:
    kiosk.camera.fail_sources.add("/dev/video2")
    kiosk.camera.sources.append("/dev/video2")
    async with kiosk.app.run_test(size=SIZE) as pilot:
        await settle(kiosk, pilot)
        await pilot.press("f6", "down", "enter")
        await settle(kiosk, pilot)
        assert kiosk.camera.selected == 1
        assert kiosk.app.notices[-1] == "Đã chuyển camera: rtsp://cong-sau/stream"
        await pilot.press("f6", "down", "enter")
        await settle(kiosk, pilot)
    assert kiosk.camera.selected == 1
    assert kiosk.app.notices[-1].startswith("Không mở được camera /dev/video2")


async def test_language_switch_to_english_and_back(kiosk: Kiosk) -> None:
    async with kiosk.app.run_test(size=SIZE) as pilot:
        await settle(kiosk, pilot)
        kiosk.scan("medical_check")
        await settle(kiosk, pilot)
        await pilot.press("f9")
        await settle(kiosk, pilot)
        english = screen_text(kiosk.app)
        await pilot.press("f9")
        await settle(kiosk, pilot)
        vietnamese = screen_text(kiosk.app)
    assert "MEDICAL CHECK" in english and "Has symptoms" in english and "F2 Confirm" in english
    assert "KIỂM TRA Y TẾ" in vietnamese and "Có triệu chứng" in vietnamese


async def test_a_journal_that_cannot_commit_shows_no_verdict(kiosk: Kiosk) -> None:
    kiosk.journal.fail_with = "disk full"
    async with kiosk.app.run_test(size=SIZE) as pilot:
        await settle(kiosk, pilot)
        kiosk.scan("clear")
        await settle(kiosk, pilot)
        text = screen_text(kiosk.app)
    assert "ĐƯỢC QUA" not in text and "SẴN SÀNG QUÉT" in text
    assert kiosk.app.notices == ["KHÔNG GHI ĐƯỢC SỰ KIỆN: disk full"]


async def test_preview_panel_draws_the_frame_with_half_blocks(kiosk: Kiosk) -> None:
    async with kiosk.app.run_test(size=(120, 30)) as pilot:
        await settle(kiosk, pilot)
        assert not kiosk.app.main.query_one(CameraPreview).display
        await pilot.press("f8")
        for _ in range(60):  # the preview refreshes 4 times a second
            await settle(kiosk, pilot)
            text = screen_text(kiosk.app)
            if "▀" * 30 in text:
                break
        assert kiosk.app.main.query_one(CameraPreview).display
    assert "▀" * 30 in text


async def test_status_bar_shows_devices_down_pending_and_stale_policy() -> None:
    kiosk = make_kiosk(policy_age_h=30)
    async with kiosk.app.run_test(size=SIZE) as pilot:
        await settle(kiosk, pilot)
        kiosk.scan("clear")
        kiosk.scan("clear")
        await settle(kiosk, pilot)
        from kiosk_ui.ports import DeviceHealth

        kiosk.link.state = DeviceHealth("down", "no route")
        kiosk.thermometer.state = DeviceHealth("down", "unplugged")
        kiosk.clock.advance(75)
        kiosk.app.refresh_status()
        await settle(kiosk, pilot)
        text = screen_text(kiosk.app)
    assert "NHIỆT ✖HỎNG" in text and "MẠNG ✖HỎNG 2 chờ·75s" in text
    assert "⚠ CS CŨ v7 30h" in text
    assert "Thiết bị lỗi: NHIỆT: đã rút ra" in kiosk.app.notices
    assert "Thiết bị lỗi: MẠNG: no route" in kiosk.app.notices


async def test_ui_answers_keys_while_a_commit_is_slow() -> None:
    kiosk = make_kiosk()
    kiosk.journal._delay = 0.5
    async with kiosk.app.run_test(size=SIZE) as pilot:
        await settle(kiosk, pilot)
        kiosk.scan("clear")
        await pilot.pause(0.05)
        await pilot.press("f9")
        await pilot.pause(0.05)
        switched = screen_text(kiosk.app)
        await settle(kiosk, pilot)
    assert "READY TO SCAN" in switched  # language switched while the commit was in flight


async def test_f9_switches_the_language_of_an_open_picker(kiosk: Kiosk) -> None:
    async with kiosk.app.run_test(size=SIZE) as pilot:
        await settle(kiosk, pilot)
        await pilot.press("f4")
        await settle(kiosk, pilot)
        kiosk.app.screen.query_one("#origin").focus()
        await pilot.press("enter")
        await settle(kiosk, pilot)
        assert isinstance(kiosk.app.screen, PlacePicker)
        assert "Chọn nơi đi" in screen_text(kiosk.app)
        await pilot.press("f9")
        await settle(kiosk, pilot)
        picker_en = screen_text(kiosk.app)
        await pilot.press("escape", "escape", "f6")
        await settle(kiosk, pilot)
        chooser_en = screen_text(kiosk.app)
        await pilot.press("f9")
        await settle(kiosk, pilot)
        chooser_vi = screen_text(kiosk.app)
    assert "Choose origin" in picker_en and "Chọn nơi đi" not in picker_en
    assert "Choose camera" in chooser_en
    assert "Chọn camera" in chooser_vi and "Choose camera" not in chooser_vi
