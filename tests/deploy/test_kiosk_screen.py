"""The kiosk on its real screen: the unit's own command (cage + foot + chot kiosk) draws the UI
on a display, with nothing of it in the journal, in a font that has every character the kiosk
can show."""

from __future__ import annotations

import ast
import os
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from textual._border import BORDER_CHARS

from screening.places import all_provinces, wards_of
from tests.deploy.kiosk_display import (
    FONT_CHAINS,
    FOOT_INI,
    NOBODY,
    REPO,
    KioskDisplay,
    display_tools_missing,
    unit_command,
    unit_service,
)
from tests.terminal import Terminal

# Where the kiosk's words and symbols come from: its own code, the shared core whose reasons
# and places it shows, and the device drivers whose errors it names.
SHOWN_FROM = ("kiosk_ui", "screening", "hardware", "infra")
# Textual's scroll bars and the block elements of the camera preview.
TEXTUAL_GLYPHS = "▁▂▃▄▅▆▇█▔▏▕▀▐▌░▒▓"


@pytest.fixture
def kiosk_files() -> Iterator[Path]:
    """A folder the unit's user can use: the kiosk's config (simulated devices) and journal."""
    folder = Path(tempfile.mkdtemp(prefix="chot-kiosk-screen-"))
    (folder / "kiosk.toml").write_text(f"""
post = "tuan-giao"
kiosk = "k1"

[camera]
simulated = true
sources = ["sim://cam-truoc"]

[thermometer]
simulated_c = 36.8

[journal]
path = "{folder / 'journal.sqlite'}"
""")
    if os.geteuid() == 0:
        for path in (folder, folder / "kiosk.toml"):
            os.chown(path, NOBODY, NOBODY)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_the_units_command_draws_the_kiosk_on_the_screen(kiosk_files: Path,
                                                         tmp_path: Path) -> None:
    assert not display_tools_missing(), "scripts/setup.sh installs cage, foot, grim, Xwayland"
    chot = Path(sys.executable).with_name("chot")
    command = unit_command(chot, kiosk_files / "kiosk.toml")
    assert command[0].endswith("cage") and any(part.endswith("foot") for part in command)
    environment = dict(item.split("=", 1)
                       for item in shlex.split(unit_service().get("Environment", "")))
    journal = tmp_path / "journal.txt"
    display = KioskDisplay(command, journal, environment)
    try:
        shot = display.wait_drawn(tmp_path / "kiosk.png", drawn=0.05)
    finally:
        display.stop()
    # The UI is drawn in colour (a blank terminal or a crash message is one or two colours).
    assert len({tuple(pixel) for pixel in shot.reshape(-1, 3)[::7]}) >= 8
    # The kiosk really ran behind it: its journal file exists and has its tables.
    with sqlite3.connect(kiosk_files / "journal.sqlite") as journal_db:
        assert journal_db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    # Nothing of the UI went to the journal (the blank-screen bug put all of it there).
    logged = journal.read_bytes()
    assert b"\x1b[" not in logged, logged[:300]
    keep = os.environ.get("CHOT_KIOSK_SCREENSHOT")
    if keep:
        shutil.copy(tmp_path / "kiosk.png", keep)


def test_the_unit_gives_the_kiosk_a_terminal_and_cage_the_console() -> None:
    service = unit_service()
    assert service["TTYPath"] == "/dev/tty1" and service["StandardInput"] == "tty-fail"
    assert service["PAMName"] == "login"  # a seat for cage's display and keyboard
    # The journal gets cage's output; the kiosk's stdio is foot's terminal.
    assert service["StandardOutput"] == service["StandardError"] == "journal"
    command = shlex.split(service["ExecStart"])
    foot = next(i for i, part in enumerate(command) if part.endswith("foot"))
    assert command[foot + 1:foot + 3] == ["--config", "/opt/chot/deploy/kiosk/foot.ini"]
    assert command[foot + 3:] == ["/opt/chot/.venv/bin/chot", "kiosk", "--config",
                                  "/etc/chot/kiosk.toml"]


def kiosk_characters() -> set[str]:
    """Every character the kiosk can put on the screen, in both languages."""
    shown: set[str] = set()
    for package in SHOWN_FROM:
        for source in (REPO / package).rglob("*.py"):
            tree = ast.parse(source.read_text(), str(source))
            docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                          if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef
                                        | ast.AsyncFunctionDef)
                          and node.body and isinstance(node.body[0], ast.Expr)}
            for node in ast.walk(tree):
                if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                        and id(node) not in docstrings):
                    shown.update(node.value)
    for catalogue in (REPO / "kiosk_ui").rglob("*"):
        if catalogue.suffix in {".tcss", ".json", ".toml", ".po"}:
            shown.update(catalogue.read_text())
    for code, name in all_provinces():
        shown.update(name)
        for _, ward in wards_of(code):
            shown.update(ward)
    for rows in BORDER_CHARS.values():
        for row in rows:
            shown.update(row)
    shown.update(TEXTUAL_GLYPHS)
    return {c for c in shown if c.isprintable() and not c.isspace() or c == " "}


def test_the_kiosk_font_draws_every_character_the_kiosk_can_show() -> None:
    assert "font=JetBrains Mono:size=16,DejaVu Sans Mono:size=16" in FOOT_INI.read_text()
    characters = kiosk_characters()
    # The set is the real one: Vietnamese letters, the verdict symbols and borders are in it.
    assert set("ẬỰữđƯảổ✔✖▲⌂⚠━┏") <= characters and len(characters) > 250
    for chain in FONT_CHAINS:
        covered: set[int] = set()
        for font in chain:
            covered |= set(TTFont(font).getBestCmap())
        missing = sorted(c for c in characters if ord(c) not in covered)
        assert not missing, f"{[font.name for font in chain]} lack {''.join(missing)!r}"


def test_the_kiosk_log_goes_to_syslog_not_under_the_ui(kiosk_files: Path, tmp_path: Path) -> None:
    syslog = tmp_path / "log.sock"
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    receiver.bind(str(syslog))
    receiver.settimeout(30)
    terminal = Terminal(f"chot-kiosk-syslog-{os.getpid()}", "kiosk",
                        f"{sys.executable} -m chot kiosk --config {kiosk_files / 'kiosk.toml'} "
                        f"--syslog {syslog}")
    try:
        record = receiver.recv(4096).decode()
        screen = terminal.wait_for("SẴN SÀNG QUÉT")
    finally:
        subprocess.run(["tmux", "-L", terminal.socket, "kill-server"], capture_output=True,
                       timeout=10)
        receiver.close()
    assert "chot-kiosk: chot.kiosk INFO kiosk tuan-giao/k1 started" in record
    assert record.startswith("<30>")  # facility daemon, level info
    assert "started" not in screen
