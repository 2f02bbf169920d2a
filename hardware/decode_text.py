"""Turning a QR code's payload bytes into text without guessing: a wrong name is worse than none.

zbar and zxing guess a legacy character set (Shift-JIS, Big5, ...) when a code carries no ECI
marker, which turns Vietnamese UTF-8 into mojibake. Here text comes from a charset the code
itself declares (ECI) or from bytes that are valid UTF-8. Only bytes that are *not* UTF-8 may
then be read as Japanese or Chinese (QR's own Kanji heritage), and only when their shape is
unmistakable; anything else stays bytes. Vietnamese UTF-8 can never reach that fallback.
"""

from __future__ import annotations

import re
import unicodedata

UTF8 = "utf-8"
# ECI designator -> Python codec (AIM ECI assignments; 899 is binary data, never text).
ECI_CHARSETS = {
    0: "cp437", 1: "iso-8859-1", 2: "cp437", 3: "iso-8859-1", 4: "iso-8859-2",
    5: "iso-8859-3", 6: "iso-8859-4", 7: "iso-8859-5", 8: "iso-8859-6", 9: "iso-8859-7",
    10: "iso-8859-8", 11: "iso-8859-9", 12: "iso-8859-10", 13: "iso-8859-11",
    15: "iso-8859-13", 16: "iso-8859-14", 17: "iso-8859-15", 18: "iso-8859-16",
    20: "shift_jis", 21: "cp1250", 22: "cp1251", 23: "cp1252", 24: "cp1256",
    25: "utf-16-be", 26: "utf-8", 27: "ascii", 28: "big5", 29: "gb18030", 30: "euc-kr",
    170: "ascii",
}
_BACKSLASH = 0x5C
# C0 controls other than TAB, LF and CR never occur in text payloads; a payload carrying them
# is binary data (or a misread) and must not be shown as text.
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def text_from_payload(raw: bytes) -> str | None:
    """The payload as text if it is valid UTF-8 (or unmistakably CJK), without stray controls."""
    text: str | None
    try:
        text = raw.decode(UTF8)
    except UnicodeDecodeError:
        text = text_from_cjk(raw)
    return text if text is not None and is_printable_text(text) else None


def text_from_cjk(raw: bytes) -> str | None:
    """Non-UTF-8 bytes as Shift-JIS or GB 18030 when their shape leaves no doubt, else None.

    Shift-JIS needs a run of 3 half-width katakana or 3 double-byte characters (zxing's own
    test); GB 18030 then needs every high byte paired into CJK ideographs. One-off high bytes
    between Latin letters, the shape of a legacy Vietnamese encoding, pass neither.
    """
    katakana_run, double_run = _sjis_runs(raw)
    if katakana_run >= 3 or double_run >= 3:
        try:
            return raw.decode("shift_jis")
        except UnicodeDecodeError:
            return None
    # EUC-CN pairs two high bytes (A1-FE); an ASCII byte never completes a character there.
    if re.fullmatch(rb"(?:[\x00-\x7f]|[\xa1-\xfe]{2})*", raw) is None:
        return None
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return text if _reads_as_chinese(text) else None


def _reads_as_chinese(text: str) -> bool:
    """Only ideographs beyond ASCII, in runs of two or more, never touching a Latin letter."""
    wide_runs = re.findall(r"[^\x00-\x7f]+", text)
    if not wide_runs or any(len(run) < 2 for run in wide_runs):
        return False
    if not all(_is_cjk_ideograph(ch) for run in wide_runs for ch in run):
        return False
    return re.search(r"[A-Za-z][^\x00-\x7f]|[^\x00-\x7f][A-Za-z]", text) is None


def _sjis_runs(raw: bytes) -> tuple[int, int]:
    """Longest runs of half-width katakana and of double-byte characters, read as Shift-JIS."""
    longest_kana = longest_double = kana = double = 0
    index = 0
    while index < len(raw):
        byte = raw[index]
        if 0xA1 <= byte <= 0xDF:
            kana, double = kana + 1, 0
            index += 1
        elif (0x81 <= byte <= 0x9F or 0xE0 <= byte <= 0xEF) and index + 1 < len(raw):
            double, kana = double + 1, 0
            index += 2
        else:
            kana = double = 0
            index += 1
        longest_kana, longest_double = max(longest_kana, kana), max(longest_double, double)
    return longest_kana, longest_double


def _is_cjk_ideograph(ch: str) -> bool:
    return 0x4E00 <= ord(ch) <= 0x9FFF or 0x3400 <= ord(ch) <= 0x4DBF


def text_from_eci_stream(stream: bytes) -> str | None:
    """Text of an ECI-protocol byte stream (`\\dddddd` switches charset, `\\\\` is a backslash).

    Each run is decoded with the charset its designator names; bytes before any designator
    must be UTF-8. An unknown designator or bytes that do not decode give None.
    """
    parts: list[str] = []
    for eci, data in split_eci_stream(stream):
        charset = UTF8 if eci is None else ECI_CHARSETS.get(eci)
        if charset is None:
            return None
        try:
            parts.append(data.decode(charset))
        except UnicodeDecodeError:
            return None
    text = "".join(parts)
    return text if is_printable_text(text) else None


def split_eci_stream(stream: bytes) -> list[tuple[int | None, bytes]]:
    """Runs of (ECI designator or None, payload bytes) in an ECI-protocol byte stream."""
    runs: list[tuple[int | None, bytes]] = []
    eci: int | None = None
    run = bytearray()
    index = 0
    while index < len(stream):
        byte = stream[index]
        designator = stream[index + 1:index + 7]
        if byte == _BACKSLASH and stream[index + 1:index + 2] == b"\\":
            run.append(_BACKSLASH)
            index += 2
        elif byte == _BACKSLASH and len(designator) == 6 and designator.isdigit():
            if run:
                runs.append((eci, bytes(run)))
                run = bytearray()
            eci = int(designator)
            index += 7
        else:
            run.append(byte)
            index += 1
    if run:
        runs.append((eci, bytes(run)))
    return runs


def is_printable_text(text: str) -> bool:
    """True when the text has no control characters except TAB, LF and CR."""
    return all(ch in _ALLOWED_CONTROLS or unicodedata.category(ch) != "Cc" for ch in text)
