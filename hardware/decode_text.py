"""Turning a QR code's payload bytes into text without guessing: a wrong name is worse than none.

zbar and zxing guess a legacy character set (Shift-JIS, Big5, ...) when a code carries no ECI
marker, which turns Vietnamese UTF-8 into mojibake. Here text comes only from a charset the
code itself declares (ECI) or from bytes that are valid UTF-8; anything else stays bytes.
"""

from __future__ import annotations

import unicodedata

UTF8 = "utf-8"
# C0 controls other than TAB, LF and CR never occur in text payloads; a payload carrying them
# is binary data (or a misread) and must not be shown as text.
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def text_from_payload(raw: bytes) -> str | None:
    """The payload as text if it is valid UTF-8 without stray control characters, else None."""
    try:
        text = raw.decode(UTF8)
    except UnicodeDecodeError:
        return None
    return text if is_printable_text(text) else None


def is_printable_text(text: str) -> bool:
    """True when the text has no control characters except TAB, LF and CR."""
    return all(ch in _ALLOWED_CONTROLS or unicodedata.category(ch) != "Cc" for ch in text)
