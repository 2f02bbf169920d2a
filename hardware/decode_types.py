"""What a decoder returns for one QR code found in a frame."""

from __future__ import annotations

from dataclasses import dataclass

Corners = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class DecodedCode:
    """One QR code read from a frame.

    `raw` is the payload exactly as stored in the symbol. `text` is set only when the bytes are
    valid UTF-8, the code declares its charset (ECI), or non-UTF-8 bytes have the unmistakable
    shape of Japanese or Chinese text (decode_text.py); otherwise it is None, so a kiosk shows
    "unreadable text" rather than a mangled name. `corners` are the symbol's corners in frame
    pixels (empty when the engine did not report them).
    """

    raw: bytes
    text: str | None
    engine: str
    corners: Corners = ()
