"""`chot kiosk` in a real terminal: tmux runs it, capture-pane reads it, send-keys drives it.

A keyboard-wedge reader types a CCCD line; staff complete the manual declaration from the
keyboard; the verdict appears and both events are in the SQLite journal on disk.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk_ui.sample_travellers import CCCD_LINE
from tests.terminal import Terminal

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed")


def pick_ba_dinh_to_dien_bien_phu(term: Terminal) -> None:
    """In the open manual-declaration dialog: origin Ba Đình, destination Điện Biên Phủ, F10."""
    term.keys("Tab", "Tab", "Tab", "Tab", "Tab", "Enter")  # to «Nơi đi», open the picker
    term.wait_for("Chọn nơi đi")
    term.type("ba dinh")
    term.wait_for("Phường Ba Đình, Thành phố Hà Nội")
    term.keys("Enter")
    term.wait_for("Nơi đi: Phường Ba Đình")
    term.keys("Enter")
    term.wait_for("Chọn nơi đến")
    term.type("dien bien phu")
    term.wait_for("Phường Điện Biên Phủ, Điện Biên")
    term.keys("Enter")
    term.wait_for("Nơi đến: Phường Điện Biên Phủ")
    term.keys("F10")


@pytest.fixture
def kiosk_terminal(tmp_path: Path) -> Iterator[tuple[Terminal, Path]]:
    journal = tmp_path / "journal.sqlite"
    config = tmp_path / "kiosk.toml"
    config.write_text(f"""
post = "tuan-giao"
kiosk = "k2"

[camera]
simulated = true
sources = ["sim://cam-truoc", "sim://cam-sau"]

[thermometer]
simulated_c = 36.8

[journal]
path = "{journal}"
""")
    terminal = Terminal(f"chot-kiosk-test-{os.getpid()}", "kiosk",
                        f"{sys.executable} -m chot kiosk --config {config}")
    try:
        yield terminal, journal
    finally:
        subprocess.run(["tmux", "-L", terminal.socket, "kill-server"], capture_output=True,
                       timeout=10)


def test_wedge_scan_then_manual_declaration_from_the_keyboard(
        kiosk_terminal: tuple[Terminal, Path]) -> None:
    term, journal = kiosk_terminal
    term.wait_for("SẴN SÀNG QUÉT")
    term.wait_for("CAM ✔15fps")
    term.type(CCCD_LINE)
    term.keys("Enter")
    screen = term.wait_for("CẦN NHẬP THÔNG TIN")
    assert "Cần nhập nơi đi và nơi đến" in screen and "L. V. Thắng" in screen
    term.keys("F4")
    screen = term.wait_for("Khai báo thủ công")
    assert "Lò Văn Thắng" in screen and "011090001234" in screen
    pick_ba_dinh_to_dien_bien_phu(term)
    screen = term.wait_for("CÁCH LY TẠI NHÀ")
    assert "Cách ly 14 ngày" in screen and "(cán bộ nhập)" in screen
    assert "2 chờ" in term.wait_for("2 chờ")
    term.keys("C-q")
    assert term.wait_gone(), "Ctrl+Q did not end the kiosk"
    with sqlite3.connect(journal) as db:
        events = [json.loads(p) for (p,) in db.execute("SELECT payload FROM events ORDER BY seq")]
    assert [e["outcome"] for e in events] == ["incomplete", "home_quarantine"]
    assert events[1]["entered_by_staff"] and events[1]["identity"]["name"] == "Lò Văn Thắng"
    assert events[1]["origin"] == {"country": "VN", "province": "01", "ward": "00004"}
