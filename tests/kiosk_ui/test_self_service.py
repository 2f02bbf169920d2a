"""A venue entrance without staff: travellers scan, the screen and the node's light answer,
and the staff keys do nothing (kiosk config mode = "self_service")."""

from __future__ import annotations

import pytest
from kiosk_harness import make_kiosk, settle

from kiosk_ui.screen_text import screen_text
from kiosk_ui.screens.main import MainScreen
from screening.verdict import Outcome

SIZE = (80, 24)
pytestmark = pytest.mark.asyncio


async def test_a_self_service_kiosk_shows_and_signals_each_verdict_and_takes_no_staff_keys():
    kiosk = make_kiosk(mode="self_service")
    async with kiosk.app.run_test(size=SIZE) as pilot:
        await settle(kiosk, pilot)
        waiting = screen_text(kiosk.app)
        kiosk.scan("home_quarantine")
        await settle(kiosk, pilot)
        for key in ("f2", "f3", "f4", "f5", "f6", "f7", "f8"):
            await pilot.press(key)
            await settle(kiosk, pilot)
            assert isinstance(kiosk.app.screen, MainScreen), key
        shown = screen_text(kiosk.app)
        await pilot.press("f9")
        await settle(kiosk, pilot)
        english = screen_text(kiosk.app)
    assert "Đưa mã QR vào máy đọc, xem đèn" in waiting and "F4" not in waiting
    assert "CÁCH LY TẠI NHÀ" in shown
    assert kiosk.thermometer.signals == [Outcome.HOME_QUARANTINE]
    # Nothing but the scan was recorded: no confirm, override or reveal.
    assert [type(e).__name__ for e in kiosk.journal.events] == ["ScanEvent"]
    assert "Hold your QR code to the reader, watch the light" in english


async def test_a_staffed_kiosk_still_opens_the_manual_form_on_f4():
    kiosk = make_kiosk()
    async with kiosk.app.run_test(size=SIZE) as pilot:
        await settle(kiosk, pilot)
        await pilot.press("f4")
        await settle(kiosk, pilot)
        assert not isinstance(kiosk.app.screen, MainScreen)
