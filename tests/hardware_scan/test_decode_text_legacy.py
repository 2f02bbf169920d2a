"""Non-UTF-8 payloads: Japanese and Chinese codes read, legacy Vietnamese never shown as kanji."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.decode_text import text_from_payload

NAMES = ["Nguyễn Thị Ánh Tuyết", "PHAN MINH ĐẠT", "Trương Hữu Ước", "Đặng Quốc Hưng",
         "Số 12 Ngõ 34, Phường Hoàn Kiếm", "Hồ Ngọc Quỳnh", "Lý Xuân Yến", "Bùi Văn Ở"]


@pytest.mark.parametrize("text", ["今度のバージョンでは文章の暗号化ができます。", "ﾃﾞｻﾞｲﾝQR",
                                  "Google モバイル\nhttp://google.jp"])
def test_shift_jis_codes_read_as_japanese(text):
    assert text_from_payload(text.encode("shift_jis")) == text


def test_gb2312_codes_read_as_chinese():
    assert text_from_payload("MECARD:N:测试;;".encode("gb2312")) == "MECARD:N:测试;;"


TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese software wrote it: shaped vowel, then a combining tone mark."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", ch)
            shape = "".join(m for m in marks if m not in TONES)
            tone = "".join(m for m in marks if m in TONES)
            out += unicodedata.normalize("NFC", base + shape).encode("cp1258")
            out += tone.encode("cp1258")
    return out


@pytest.mark.parametrize("name", NAMES)
def test_legacy_vietnamese_bytes_are_never_shown_as_text(name):
    raw = cp1258(name)
    assert raw != name.encode() and any(b > 0x7F for b in raw)
    assert text_from_payload(raw) is None
    assert text_from_payload(cp1258(name.upper())) is None


@settings(max_examples=300)
@given(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3).map(" ".join))
def test_vietnamese_utf8_is_always_exact(text):
    assert text_from_payload(text.encode()) == text
