"""GM65/GM861-family serial QR reader protocol: zone-bit command frames and the reply/code stream.

Pure codec, no I/O. The host writes command frames `7E 00 | type | len | addr_hi addr_lo |
data | crc_hi crc_lo` (type 08 writes `len` bytes of zone bits, 07 reads `data[0]` bytes);
the CRC is CRC-16/XMODEM over type..data, and `AB CD` in its place means "not checked".
The module answers `02 00 | status | len | data | crc_hi crc_lo` (a write is acknowledged
with `02 00 00 01 00 33 31`). Scanned codes arrive on the same line as text ending in CR/LF;
since text never contains STX (0x02), a reply is recognised anywhere in the stream by its
header and CRC, and whatever broken line preceded it is reported as garbage.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass

HEAD = b"\x7e\x00"
REPLY_HEAD = b"\x02\x00"
READ, WRITE = 0x07, 0x08
NO_CRC = b"\xab\xcd"
WRITE_ACK = b"\x02\x00\x00\x01\x00\x33\x31"

# Zone bits (GM65 manual, "zone bit list").
ZONE_SETTINGS = 0x0000  # bits 1-0: read mode
ZONE_TRIGGER = 0x0002  # write 0x01: start one scan in command mode
MODE_MASK = 0b11
MODES = {"manual": 0b00, "command": 0b01, "continuous": 0b10, "induction": 0b11}

DEFAULT_TERMINATORS = b"\r\n"
DEFAULT_MAX_LINE = 4096


def crc16_xmodem(data: bytes) -> int:
    """CRC-16/XMODEM (poly 0x1021, init 0), the module's frame check."""
    return binascii.crc_hqx(data, 0)


def write_zone(address: int, values: bytes) -> bytes:
    """A frame writing `values` to consecutive zone bytes from `address`."""
    if not 0 <= address <= 0xFFFF or not 1 <= len(values) <= 0xFF:
        raise ValueError(f"bad zone write: address {address:#x}, {len(values)} bytes")
    return _command(WRITE, len(values), address, values)


def read_zone(address: int, count: int = 1) -> bytes:
    """A frame reading `count` zone bytes from `address`."""
    if not 0 <= address <= 0xFFFF or not 1 <= count <= 0xFF:
        raise ValueError(f"bad zone read: address {address:#x}, {count} bytes")
    return _command(READ, 1, address, bytes([count]))


def _command(kind: int, length: int, address: int, data: bytes) -> bytes:
    body = bytes([kind, length]) + address.to_bytes(2, "big") + data
    return HEAD + body + crc16_xmodem(body).to_bytes(2, "big")


def with_mode(settings: int, mode: str) -> int:
    """The settings zone byte with its read-mode bits set to `mode`, other bits kept."""
    if mode not in MODES:
        raise ValueError(f"unknown reader mode {mode!r}; choose from {sorted(MODES)}")
    return (settings & ~MODE_MASK & 0xFF) | MODES[mode]


def reply_frame(status: int, data: bytes) -> bytes:
    """The module's reply frame (used by fakes and simulators)."""
    body = bytes([0x00, status, len(data)]) + data
    return b"\x02" + body + crc16_xmodem(body).to_bytes(2, "big")


@dataclass(frozen=True)
class Reply:
    """The module's answer to a command: status 0 means success."""

    status: int
    data: bytes


@dataclass(frozen=True)
class CodeLine:
    """One scanned code as the bytes between terminators."""

    payload: bytes


@dataclass(frozen=True)
class Garbage:
    """Bytes that are neither a reply nor a complete line, and why they were dropped."""

    data: bytes
    reason: str


Item = Reply | CodeLine | Garbage


class ReaderStream:
    """Splits the bytes from the module into replies, code lines and garbage.

    `feed(data, now)` takes bytes as they arrive with the time they arrived. Bytes left without
    a terminator for longer than `line_gap_s` when more arrive are a half line (the module
    sends a code in one burst) and become garbage rather than the head of the next code.
    """

    def __init__(self, terminators: bytes = DEFAULT_TERMINATORS,
                 max_line: int = DEFAULT_MAX_LINE, line_gap_s: float = 0.3) -> None:
        if not terminators or b"\x02" in terminators:
            raise ValueError("terminators must be non-empty and not contain STX")
        self._terminators = frozenset(terminators)
        self._max_line = max_line
        self._line_gap_s = line_gap_s
        self._buffer = bytearray()
        self._last_arrival: float | None = None

    def feed(self, data: bytes, now: float) -> list[Item]:
        """Add received bytes; returns the items completed by them, in order."""
        items: list[Item] = []
        if (self._buffer and self._last_arrival is not None
                and now - self._last_arrival > self._line_gap_s):
            items.append(Garbage(bytes(self._buffer), "half_line"))
            self._buffer.clear()
        if data:
            self._last_arrival = now
        self._buffer += data
        while (item := self._next_item()) is not None:
            items.append(item)
        if len(self._buffer) > self._max_line:
            items.append(Garbage(bytes(self._buffer), "line_too_long"))
            self._buffer.clear()
        return items

    def expire(self, now: float) -> list[Item]:
        """Drop a half line that has waited longer than the line gap (call when idle)."""
        if (self._buffer and self._last_arrival is not None
                and now - self._last_arrival > self._line_gap_s):
            stale = bytes(self._buffer)
            self._buffer.clear()
            return [Garbage(stale, "half_line")]
        return []

    def _next_item(self) -> Item | None:
        buffer = self._buffer
        end = next((i for i, byte in enumerate(buffer) if byte in self._terminators), -1)
        stx = buffer.find(b"\x02")
        if end >= 0 and (stx < 0 or end < stx):
            line = bytes(buffer[:end])
            del buffer[:end + 1]
            return CodeLine(line) if line else self._next_item()
        if stx < 0:
            return None
        if stx > 0:
            # Text before a reply never got its terminator: a broken line.
            head = bytes(buffer[:stx])
            del buffer[:stx]
            return Garbage(head, "half_line")
        return self._take_reply()

    def _take_reply(self) -> Item | None:
        buffer = self._buffer
        if len(buffer) < 4:
            return None if len(buffer) < 2 or buffer[1] == 0 else self._drop_stx()
        if buffer[1] != 0:
            return self._drop_stx()
        size = 4 + buffer[3] + 2
        if len(buffer) < size:
            return None
        body, check = bytes(buffer[1:size - 2]), bytes(buffer[size - 2:size])
        if int.from_bytes(check, "big") != crc16_xmodem(body):
            return self._drop_stx()
        del buffer[:size]
        return Reply(status=body[1], data=body[3:])

    def _drop_stx(self) -> Garbage:
        del self._buffer[:1]
        return Garbage(b"\x02", "bad_reply")
