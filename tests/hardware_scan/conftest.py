"""Scan-path fixtures: a fake GM65-style reader module on the master side of a real pty.

It parses the host's command frames byte by byte as the module does (header, type, length,
address, data, CRC or `AB CD`), keeps a zone memory, answers writes with the ACK frame and
reads with the zone bytes, scans a queued code when triggered in command mode, and can be
made mute, garbled or unplugged.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hardware.qr_reader_protocol import (
    MODE_MASK,
    MODES,
    NO_CRC,
    READ,
    WRITE,
    WRITE_ACK,
    ZONE_SETTINGS,
    ZONE_TRIGGER,
    crc16_xmodem,
    reply_frame,
)
from sim.pty_device import PtyDevice


class FakeGm65:
    """One module behind a pty; `path` (or `link`, a symlink to it) is what the host opens."""

    def __init__(self, link: Path | None = None, settings: int = 0b1000_0000) -> None:
        self.pty = PtyDevice(link)
        self.path, self.link = self.pty.path, link
        self.zones: dict[int, int] = {ZONE_SETTINGS: settings}
        self.commands: list[tuple[int, int, bytes]] = []
        self.bad_crc_frames = 0
        self.mute = False
        self.pending_scan: str | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def mode(self) -> str:
        bits = self.zones.get(ZONE_SETTINGS, 0) & MODE_MASK
        return next(name for name, value in MODES.items() if value == bits)

    def scan(self, text: str, suffix: bytes = b"\r\n") -> None:
        """The module decoded a code: its UTF-8 bytes and the suffix go out on the line."""
        self.send(text.encode("utf-8") + suffix)

    def send(self, data: bytes) -> None:
        """Raw bytes on the line (garbage, half lines)."""
        with self._lock:
            self.pty.write_all(data)

    def unplug(self) -> None:
        """The module vanishes: the pty closes under the host."""
        self._stop.set()
        self._thread.join(timeout=2)
        self.pty.close()

    def _serve(self) -> None:
        buffer = bytearray()
        while not self._stop.is_set():
            buffer += self.pty.read(256, timeout=0.05)
            while (frame := self._take_frame(buffer)) is not None:
                self._answer(frame)

    def _take_frame(self, buffer: bytearray) -> bytes | None:
        start = buffer.find(b"\x7e\x00")
        if start < 0:
            del buffer[:max(0, len(buffer) - 1)]
            return None
        del buffer[:start]
        if len(buffer) < 4:
            return None
        kind, length = buffer[2], buffer[3]
        size = 6 + (length if kind == WRITE else 1) + 2
        if len(buffer) < size:
            return None
        frame = bytes(buffer[:size])
        del buffer[:size]
        return frame

    def _answer(self, frame: bytes) -> None:
        body, check = frame[2:-2], frame[-2:]
        if check != NO_CRC and int.from_bytes(check, "big") != crc16_xmodem(body):
            self.bad_crc_frames += 1
            return
        kind, length = body[0], body[1]
        address = int.from_bytes(body[2:4], "big")
        data = body[4:]
        self.commands.append((kind, address, data))
        if self.mute:
            return
        if kind == WRITE:
            for offset, value in enumerate(data[:length]):
                self.zones[address + offset] = value
            self.send(WRITE_ACK)
            if address == ZONE_TRIGGER and data[:1] == b"\x01" and self.pending_scan is not None:
                text, self.pending_scan = self.pending_scan, None
                self.scan(text)
        elif kind == READ:
            count = data[0] or 1
            self.send(reply_frame(0, bytes(self.zones.get(address + i, 0) for i in range(count))))


@pytest.fixture
def gm65(tmp_path: Path) -> Iterator[FakeGm65]:
    """A fake module on a fresh pty, reachable through a stable symlink."""
    module = FakeGm65(link=tmp_path / "ttyQR")
    yield module
    module.unplug()


@pytest.fixture
def make_gm65(tmp_path: Path) -> Iterator[Callable[[], FakeGm65]]:
    """Plug in a new module at the same symlink (the old one unplugged first)."""
    made: list[FakeGm65] = []

    def plug() -> FakeGm65:
        module = FakeGm65(link=tmp_path / "ttyQR")
        made.append(module)
        return module

    yield plug
    for module in made:
        module.unplug()
