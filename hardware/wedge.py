"""Keyboard-wedge (USB HID) readers: a line of typed text becomes a code text, or a reason why not.

A wedge reader "types" the code and presses Enter (or Tab). Configured prefixes/suffixes (an
AIM identifier such as `]Q1`, a store prefix) are removed. Readers set to hex output (the
usual way to get non-ASCII text such as Vietnamese through a keyboard layout intact) send the
UTF-8 bytes as hex digits; those are decoded strictly. The kiosk UI collects the keystrokes;
`WedgeBuffer` tells a reader's burst from a person typing by the gap between keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from hardware.decode_text import is_printable_text, text_from_payload

WedgeFormat = Literal["text", "hex"]
LINE_ENDINGS = "\r\n\t"


@dataclass(frozen=True)
class WedgeResult:
    """The code text, or None with a reason code (empty, not_hex, not_utf8, control_characters)."""

    text: str | None
    reason: str = ""


def parse_wedge_line(line: str, *, prefix: str = "", suffix: str = "",
                     fmt: WedgeFormat = "text") -> WedgeResult:
    """Turn one typed line (terminator optional) into the code text it carries."""
    body = line.rstrip(LINE_ENDINGS)
    if prefix and body.startswith(prefix):
        body = body[len(prefix):]
    if suffix and body.endswith(suffix):
        body = body[:-len(suffix)]
    if not body.strip():
        return WedgeResult(None, "empty")
    if fmt == "hex":
        return _from_hex(body)
    if not is_printable_text(body):
        return WedgeResult(None, "control_characters")
    return WedgeResult(body)


def _from_hex(body: str) -> WedgeResult:
    digits = "".join(body.split())
    try:
        raw = bytes.fromhex(digits)
    except ValueError:
        return WedgeResult(None, "not_hex")
    text = text_from_payload(raw)
    if text is None:
        return WedgeResult(None, "not_utf8")
    return WedgeResult(text)


class WedgeBuffer:
    """Collects keystrokes into lines; a line typed slower than a reader types is dropped.

    Readers emit a whole code within milliseconds per key; a person types at 100+ ms per key.
    `key(ch, at)` returns the finished line on Enter/Tab if every gap within it was at most
    `max_key_gap_s`, else None (the line is then a person typing, handled by manual entry).
    """

    def __init__(self, max_key_gap_s: float = 0.05, max_length: int = 4096) -> None:
        self._max_gap = max_key_gap_s
        self._max_length = max_length
        self._chars: list[str] = []
        self._last_at: float | None = None
        self._too_slow = False

    def key(self, ch: str, at: float) -> str | None:
        """Feed one typed character at time `at` (seconds); a completed reader line or None."""
        if self._last_at is not None and at - self._last_at > self._max_gap:
            self._too_slow = bool(self._chars)
        self._last_at = at
        if ch in LINE_ENDINGS:
            line, fast = "".join(self._chars), not self._too_slow
            self._chars, self._too_slow = [], False
            return line if fast and line else None
        if len(self._chars) >= self._max_length:
            self._chars, self._too_slow = [], True
            return None
        self._chars.append(ch)
        return None
