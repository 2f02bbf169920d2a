"""A GM65-style serial QR reader module on a pty: the host opens it like the real USB-serial port.

A "scan" writes the code's UTF-8 bytes and the suffix (CR LF by default), paced at the baud
rate so a long declaration takes as long on the wire as it would on hardware. The host may
send the module's zone-bit commands (`7E 00 07|08 len addr_hi addr_lo data… crc_hi crc_lo`);
writes are stored and acknowledged with `02 00 00 01 00 33 31`, reads answered with the stored
bytes, as the GM65 manual describes. CRCs are CRC-16/XMODEM, `AB CD` meaning "not checked".
"""

from __future__ import annotations

import binascii
import threading
import time
from pathlib import Path

from sim.pty_device import PtyDevice

HEAD = 0x7E
READ, WRITE = 0x07, 0x08
WRITE_ACK = bytes([0x02, 0x00, 0x00, 0x01, 0x00, 0x33, 0x31])
NO_CRC = b"\xab\xcd"
BITS_PER_BYTE = 10  # 8N1: start + 8 data + stop


def crc(data: bytes) -> bytes:
    """The module's frame check: CRC-16/XMODEM, big-endian."""
    return binascii.crc_hqx(data, 0).to_bytes(2, "big")


class QrReaderDevice:
    """One virtual reader: a pty whose slave path the kiosk opens as its serial port."""

    def __init__(self, baud: int = 115200, suffix: bytes = b"\r\n",
                 link: str | Path | None = None) -> None:
        self.baud, self.suffix = baud, suffix
        # Like the module's UART: bytes nobody reads are lost, the module never waits.
        self._pty = PtyDevice(link)
        self.path, self.link = self._pty.path, self._pty.link
        self.zones: dict[int, int] = {}
        self.commands_seen = 0
        self._write_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve_commands, daemon=True,
                                        name="sim-qr-reader")
        self._thread.start()

    @property
    def port(self) -> str:
        """What the host opens: the stable link if one was asked for, else the pty."""
        return self._pty.port

    @property
    def bytes_dropped(self) -> int:
        """Bytes the host was too slow to take (lost, as on the module's UART)."""
        return self._pty.bytes_dropped

    def scan(self, text: str) -> float:
        """Send one decoded code as the module does; returns when the first byte left."""
        started = time.time()
        self._send(text.encode("utf-8") + self.suffix)
        return started

    def send_raw(self, data: bytes) -> None:
        """Put arbitrary bytes on the line (garbled output, half a code at power loss)."""
        self._send(data)

    def close(self) -> None:
        """Unplug: the host's reads fail, the pty is gone."""
        self._stop.set()
        self._thread.join(timeout=1)
        self._pty.close()

    def __enter__(self) -> QrReaderDevice:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, data: bytes) -> None:
        # The bytes take their line time (a 600-character code at 9600 baud: 0.6 s) and then
        # arrive together. Written piece by piece with sleeps between, a busy machine stalled
        # this thread past the host's 0.3 s half-line limit in mid-code, which a module's UART
        # never does: the host dropped the head and read the tail as an unsupported code.
        with self._write_lock:
            time.sleep(len(data) * BITS_PER_BYTE / self.baud)
            self._pty.write(data)

    def _serve_commands(self) -> None:
        buffer = bytearray()
        while not self._stop.is_set():
            # Empty while no host has the port open (EIO) too: keep waiting for one.
            buffer += self._pty.read(256, timeout=0.1)
            while (reply := self._take_command(buffer)) is not None:
                if reply:
                    with self._write_lock:
                        self._pty.write(reply)

    def _take_command(self, buffer: bytearray) -> bytes | None:
        """Consume one command frame from the buffer; its reply (b"" for none), None if short."""
        start = buffer.find(bytes([HEAD, 0x00]))
        if start < 0:
            del buffer[:max(0, len(buffer) - 1)]
            return None
        del buffer[:start]
        if len(buffer) < 6:
            return None
        kind, length = buffer[2], buffer[3]
        size = 4 + 2 + (length if kind == WRITE else 1) + 2
        if len(buffer) < size:
            return None
        frame = bytes(buffer[:size])
        del buffer[:size]
        body, check = frame[2:-2], frame[-2:]
        if check != NO_CRC and check != crc(body):
            return b""  # the module ignores frames with a bad check
        self.commands_seen += 1
        address = (frame[4] << 8) | frame[5]
        if kind == WRITE:
            for offset, value in enumerate(frame[6:6 + length]):
                self.zones[address + offset] = value
            return WRITE_ACK
        if kind == READ:
            count = frame[6] or 1
            data = bytes(self.zones.get(address + i, 0) for i in range(count))
            reply_body = bytes([0x00, 0x00, count]) + data
            return bytes([0x02]) + reply_body + crc(reply_body)
        return b""
