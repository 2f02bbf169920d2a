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
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk_ui.sample_travellers import CCCD_LINE

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed")


class Terminal:
    """One tmux session on a private socket."""

    def __init__(self, socket: str, session: str) -> None:
        self.socket, self.session = socket, session

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True,
                              capture_output=True, text=True, timeout=10).stdout

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.session, "-l", text)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.session)

    def wait_gone(self, timeout: float = 10.0) -> bool:
        """True once the session ended (its only program exited)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if subprocess.run(["tmux", "-L", self.socket, "has-session", "-t", self.session],
                              capture_output=True, timeout=10).returncode != 0:
                return True
            time.sleep(0.1)
        return False

    def wait_for(self, text: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


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
    terminal = Terminal(f"chot-kiosk-test-{os.getpid()}", "kiosk")
    command = f"{sys.executable} -m chot kiosk --config {config}"
    env = {"LANG": "C.UTF-8", "TERM": "xterm-256color"}
    terminal.tmux("-f", "/dev/null", "new-session", "-d", "-s", "kiosk", "-x", "80", "-y", "24",
                  *[arg for key, value in env.items() for arg in ("-e", f"{key}={value}")],
                  command)
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
