"""The simulated board's raw REPL (what `chot firmware deploy` talks to on a maintenance boot)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.machine_model import BoardReset
from sim.micropython_repl import RAW_PROMPT, RawRepl


class Wire:
    """Collects what the REPL writes back."""

    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, data: bytes) -> None:
        self.data += data

    def take(self) -> bytes:
        taken = bytes(self.data)
        self.data.clear()
        return taken


@pytest.fixture
def repl(tmp_path: Path) -> tuple[RawRepl, Wire]:
    wire = Wire()
    shell = RawRepl(tmp_path, wire.write)
    shell.start()
    shell.feed(b"\r\x03\r\x01")
    assert wire.take().endswith(RAW_PROMPT)
    return shell, wire


def test_raw_repl_runs_code_on_the_flash(repl: tuple[RawRepl, Wire], tmp_path: Path) -> None:
    shell, wire = repl
    shell.feed(b"f=open('/main.py','wb')\nw=f.write\x04")
    assert wire.take() == b"OK\x04\x04>"
    shell.feed(b"w(b'print(1)')\x04f.close()\x04import os\nprint(os.listdir(''))\x04")
    assert wire.take() == b"OK\x04\x04>OK\x04\x04>OK['main.py']\n\x04\x04>"
    assert (tmp_path / "main.py").read_bytes() == b"print(1)"


def test_errors_read_like_micropython_and_the_flash_is_a_fence(
        repl: tuple[RawRepl, Wire]) -> None:
    shell, wire = repl
    shell.feed(b"import os\nos.mkdir('x')\nos.mkdir('x')\x04")
    assert b"OSError: [Errno 17] EEXIST\r\n\x04>" in wire.take()
    shell.feed(b"open('../outside','w')\x04")
    assert b"OSError: [Errno 22] EINVAL" in wire.take()
    shell.feed(b"import subprocess\x04")
    assert b"ImportError" in wire.take()


def test_raw_paste_and_reset(repl: tuple[RawRepl, Wire]) -> None:
    shell, wire = repl
    shell.feed(b"\x05A\x01")
    assert wire.take() == b"R\x01\x80\x00"
    shell.feed(b"x = 6 * 7\nprint(x)\x04")
    assert wire.take() == b"\x0442\n\x04\x04>"
    shell.feed(b"\x04")
    assert wire.take().endswith(b"soft reboot\r\n" + RAW_PROMPT)
    with pytest.raises(BoardReset):
        shell.feed(b"import machine\nmachine.reset()\x04")
