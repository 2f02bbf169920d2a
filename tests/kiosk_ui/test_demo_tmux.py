"""`chot demo` in a real terminal: travellers arrive at the staff UI while staff, from the
keyboard, serve a traveller with no phone through a manual declaration."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_kiosk_tmux import pick_ba_dinh_to_dien_bien_phu

from infra.polling import wait_until
from kiosk_ui.sample_travellers import CCCD_LINE
from tests.terminal import Terminal

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed")


def newest_ui_journal(since: float) -> Path | None:
    journals = [p for p in Path("/tmp").glob("chot-sim-*/journal-*-k1.sqlite")
                if p.stat().st_mtime >= since]
    return max(journals, key=lambda p: p.stat().st_mtime, default=None)


def test_manual_declaration_inside_the_demo() -> None:
    started = time.time()
    term = Terminal(f"chot-demo-test-{os.getpid()}", "demo", f"{sys.executable} -m chot demo",
                    columns=100, lines=30)
    try:
        term.wait_for("CHỐT KIỂM SOÁT", timeout=90)
        term.wait_for("CS v1", timeout=30)  # the center-signed policy, not a stale one
        term.type(CCCD_LINE)
        term.keys("Enter")
        term.wait_for("L. V. Thắng", timeout=15)
        term.keys("F4")
        screen = term.wait_for("Khai báo thủ công")
        assert "Lò Văn Thắng" in screen
        pick_ba_dinh_to_dien_bien_phu(term)
        journal = newest_ui_journal(started)
        assert journal is not None, "the demo's staff kiosk keeps no journal"
        def staff_entries() -> list[dict]:
            with sqlite3.connect(journal) as db:
                events = [json.loads(p) for (p,) in db.execute("SELECT payload FROM events")]
            return [e for e in events if e.get("entered_by_staff")]

        wait_until(staff_entries, 15, step=0.2)
        staff_entered = staff_entries()
        assert staff_entered, "the manual declaration was not recorded"
        event = staff_entered[0]
        assert event["identity"]["name"] == "Lò Văn Thắng"
        assert event["origin"] == {"country": "VN", "province": "01", "ward": "00004"}
        assert event["outcome"] == "home_quarantine"
        term.keys("C-q")
        assert term.wait_gone(timeout=60), "Ctrl+Q did not end the demo"
    finally:
        subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True,
                       timeout=10)
