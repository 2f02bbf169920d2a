"""The browser views in a real browser: `chot kiosk --serve` and `chot center --serve` load in
headless Chromium with no request leaving the machine, show the kiosk and the dashboard, and
act on keys typed in the page."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from infra.polling import wait_until as wait_for
from kiosk_ui.sample_travellers import CCCD_LINE
from tests.deploy.browser import chromium, free_port, served
from tests.deploy.kiosk_display import drawn_share


def changed_share(now: np.ndarray, before: np.ndarray) -> float:
    """Share of the pixels that changed clearly between two screenshots."""
    return float(np.any(np.abs(now.astype(int) - before.astype(int)) > 40, axis=2).mean())


def settled(browser: Any) -> Callable[[], bool]:
    """A predicate true once two screenshots in a row are the same: drawing has finished."""
    last: list[bytes] = []

    def same_as_before() -> bool:
        shot = browser.page.screenshot()
        unchanged = last == [shot]
        last[:] = [shot]
        return unchanged

    return same_as_before


def image(png: bytes) -> np.ndarray:
    """Decoded screenshot."""
    decoded = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    assert decoded is not None
    return decoded



def journal_events(journal: Path) -> list[dict[str, object]]:
    """The events the kiosk committed so far."""
    if not journal.exists():
        return []
    with sqlite3.connect(journal) as db:
        try:
            return [json.loads(p) for (p,) in db.execute("SELECT payload FROM events")]
        except sqlite3.OperationalError:
            return []


def keep(shot: Path, name: str) -> None:
    """Copy a screenshot where CHOT_BROWSER_SCREENSHOTS points (to refresh the docs)."""
    folder = os.environ.get("CHOT_BROWSER_SCREENSHOTS")
    if folder:
        shutil.copy(shot, Path(folder) / name)


def test_the_kiosk_in_a_browser_takes_keys_and_fetches_nothing_from_outside(
        tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite"
    config = tmp_path / "kiosk.toml"
    config.write_text(f'post = "tuan-giao"\nkiosk = "k1"\n[camera]\nsimulated = true\n'
                      f'[journal]\npath = "{journal}"\n')
    port = free_port()
    with served(["kiosk", "--config", str(config)], port), chromium() as browser:
        browser.open_terminal(f"http://127.0.0.1:{port}/")
        assert wait_for(lambda: drawn_share(image(browser.page.screenshot())) > 0.05)
        ready = image(browser.screenshot(tmp_path / "kiosk-ready.png"))
        # A keyboard-wedge reader types into the page like a person would.
        browser.page.keyboard.type(CCCD_LINE)
        browser.page.keyboard.press("Enter")
        assert wait_for(lambda: len(journal_events(journal)) == 1)
        assert journal_events(journal)[0]["outcome"] == "incomplete"
        # The card is drawn a moment after the commit: wait for it to replace the ready screen.
        assert wait_for(lambda: changed_share(image(browser.page.screenshot()), ready) > 0.02)
        shot = tmp_path / "kiosk-card.png"
        card = image(browser.screenshot(shot))
        keep(shot, "browser-kiosk.png")
    assert browser.refused == [], browser.refused
    fonts = [url for url in browser.requests if url.endswith(".ttf")]
    assert any("RobotoMono" in url for url in fonts)
    assert any("/chot-fonts/DejaVuSansMono" in url for url in fonts)
    # The card replaced the ready screen: a large part of the page changed.
    assert changed_share(card, ready) > 0.02


def test_the_center_dashboard_in_a_browser_switches_language_on_a_key(tmp_path: Path) -> None:
    config = tmp_path / "center.toml"
    config.write_text(f'province = "11"\ninstance = "center-1"\nlearn_kiosks = true\n[store]\n'
                      f'path = "{tmp_path / "center.db"}"\n[broker]\nhost = "127.0.0.1"\n'
                      f'port = {free_port()}\n')
    port = free_port()
    with served(["center", "--config", str(config)], port), chromium() as browser:
        browser.open_terminal(f"http://127.0.0.1:{port}/")
        assert wait_for(lambda: drawn_share(image(browser.page.screenshot())) > 0.05)
        assert wait_for(settled(browser))
        vietnamese = image(browser.screenshot(tmp_path / "dashboard-vi.png"))
        browser.page.keyboard.press("l")
        assert wait_for(lambda: changed_share(image(browser.page.screenshot()), vietnamese)
                        > 0.002)
        assert wait_for(settled(browser))
        shot = tmp_path / "dashboard-en.png"
        browser.screenshot(shot)
        keep(tmp_path / "dashboard-vi.png", "browser-dashboard.png")
    assert browser.refused == [], browser.refused
