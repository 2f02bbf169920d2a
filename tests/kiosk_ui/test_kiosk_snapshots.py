"""SVG snapshots of the main states at 80x24, in Vietnamese and English.

Deterministic: fixed clock, fixed event ids, fixed temperature; update with
`pytest tests/kiosk_ui --snapshot-update` after checking the report by eye.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from kiosk_harness import Kiosk, make_kiosk
from textual.pilot import Pilot

from kiosk_ui.ports import DeviceHealth


async def settle(kiosk: Kiosk, pilot: Pilot[None]) -> None:
    """Let workers finish and their messages be drawn."""
    for _ in range(3):
        await pilot.pause()
        await kiosk.app.workers.wait_for_complete()
    await pilot.pause()


def devices_down(kiosk: Kiosk) -> None:
    """Camera unplugged, reader silent, thermometer gone, uplink cut with events queued."""
    kiosk.camera.state = DeviceHealth("down", "unplugged")
    kiosk.reader.state = DeviceHealth("down", "no answer")
    kiosk.thermometer.state = DeviceHealth("down", "no heartbeat")
    kiosk.link.state = DeviceHealth("down", "broker unreachable")
    kiosk.clock.advance(340)


STATES: dict[str, tuple[str, Callable[[Kiosk], None] | None, dict[str, Any]]] = {
    "clear": ("clear", None, {}),
    "home_quarantine": ("home_quarantine", None, {}),
    "central_quarantine": ("central_quarantine", None, {}),
    "medical_check": ("medical_check", None, {}),
    "rejected": ("rejected", None, {}),
    "stale_policy": ("clear", None, {"policy_age_h": 50}),
    "devices_down": ("home_quarantine", devices_down, {}),
}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("state", list(STATES))
def test_main_state(snap_compare: Any, state: str, language: str) -> None:
    code, after, options = STATES[state]
    kiosk = make_kiosk(language=language, **options)

    async def scan_then_show(pilot: Pilot[None]) -> None:
        await settle(kiosk, pilot)
        kiosk.scan(code)
        await settle(kiosk, pilot)
        if after is not None:
            after(kiosk)
            kiosk.app.refresh_status()
            await settle(kiosk, pilot)

    assert snap_compare(kiosk.app, terminal_size=(80, 24), run_before=scan_then_show)


def certificate_traveller(kiosk: Kiosk) -> None:
    """A German vaccination certificate from a listed signer (the trust list carries it)."""
    from certificate_travellers import german_dcc

    kiosk.reader.feed(german_dcc())


def feverish_forger(kiosk: Kiosk) -> None:
    """A forged code shown at 39.1 °C."""
    kiosk.thermometer.celsius = 39.1
    kiosk.scan("rejected")


async def waiting_behind_an_override(kiosk: Kiosk, pilot: Pilot[None]) -> None:
    """An override dialog open on one traveller while the next one's scan waits."""
    kiosk.scan("central_quarantine")
    await settle(kiosk, pilot)
    await pilot.press("f3")
    await settle(kiosk, pilot)
    kiosk.scan("clear", via="camera")


CARDS: dict[str, Callable[..., Any]] = {
    "certificate": certificate_traveller,
    "fever_rejected": feverish_forger,
    "queue_badge": waiting_behind_an_override,
}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("card", list(CARDS))
def test_card(snap_compare: Any, card: str, language: str) -> None:
    from certificate_travellers import certificate_kiosk

    kiosk = certificate_kiosk(language)

    async def show(pilot: Pilot[None]) -> None:
        await settle(kiosk, pilot)
        step = CARDS[card]
        if step is waiting_behind_an_override:
            await step(kiosk, pilot)
        else:
            step(kiosk)
        await settle(kiosk, pilot)

    assert snap_compare(kiosk.app, terminal_size=(80, 24), run_before=show)
