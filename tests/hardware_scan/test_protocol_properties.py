"""Properties of the reader frame codec and the keyboard-wedge parser, checked by hypothesis."""

from __future__ import annotations

import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.qr_reader_protocol import (
    WRITE_ACK,
    CodeLine,
    Garbage,
    ReaderStream,
    Reply,
    crc16_xmodem,
    read_zone,
    reply_frame,
    with_mode,
    write_zone,
)
from hardware.wedge import WedgeBuffer, parse_wedge_line

# Code texts as modules send them: any printable text without line terminators.
code_texts = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\r\n"),
    min_size=1, max_size=80)
# What a wedge reader types: no line endings, not blank.
wedge_texts = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\r\n\t"),
    min_size=1, max_size=80).filter(lambda text: text.strip() != "")
replies = st.tuples(st.integers(0, 255), st.binary(max_size=12))
Item = tuple[str, str] | tuple[str, tuple[int, bytes]]
stream_items = st.lists(st.one_of(code_texts.map(lambda t: ("code", t)),
                                  replies.map(lambda r: ("reply", r))), max_size=12)


def encode(items: list[Item]) -> bytes:
    out = b""
    for _kind, value in items:
        if isinstance(value, str):
            out += value.encode("utf-8") + b"\r\n"
        else:
            out += reply_frame(*value)
    return out


def expected(items: list[Item]) -> list[object]:
    return [CodeLine(value.encode("utf-8")) if isinstance(value, str) else Reply(*value)
            for _, value in items]


def test_frames_match_the_gm65_manual() -> None:
    assert write_zone(0x0002, b"\x01") == bytes.fromhex("7E0008010002 01 02DA".replace(" ", ""))
    assert reply_frame(0, b"\x00") == WRITE_ACK
    assert crc16_xmodem(b"123456789") == 0x31C3  # the CRC-16/XMODEM check value


@given(st.integers(0, 0xFFFF), st.binary(min_size=1, max_size=255))
def test_write_frames_carry_a_valid_crc(address: int, values: bytes) -> None:
    frame = write_zone(address, values)
    assert frame[:2] == b"\x7e\x00" and frame[2] == 0x08 and frame[3] == len(values)
    assert int.from_bytes(frame[4:6], "big") == address and frame[6:-2] == values
    assert int.from_bytes(frame[-2:], "big") == crc16_xmodem(frame[2:-2])


@given(st.integers(0, 0xFFFF), st.integers(1, 255))
def test_read_frames_carry_a_valid_crc(address: int, count: int) -> None:
    frame = read_zone(address, count)
    assert len(frame) == 9 and frame[6] == count
    assert int.from_bytes(frame[-2:], "big") == crc16_xmodem(frame[2:-2])


@given(st.integers(0, 255), st.sampled_from(["manual", "command", "continuous", "induction"]))
def test_mode_change_keeps_the_other_setting_bits(settings_byte: int, mode: str) -> None:
    changed = with_mode(settings_byte, mode)
    assert changed & ~0b11 == settings_byte & ~0b11
    assert with_mode(changed, mode) == changed


@settings(max_examples=200)
@given(stream_items, st.data())
def test_stream_splits_codes_and_replies_however_the_bytes_are_chunked(
        items: list[Item], data: st.DataObject) -> None:
    wire = encode(items)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(wire)), max_size=10)))
    stream = ReaderStream()
    got: list[object] = []
    for start, end in zip([0, *cuts], [*cuts, len(wire)], strict=True):
        got += stream.feed(wire[start:end], now=0.0)
    assert got == expected(items)


@settings(max_examples=200)
@given(st.binary(max_size=300), stream_items)
def test_garbage_never_crashes_and_later_codes_still_arrive(
        noise: bytes, items: list[Item]) -> None:
    stream = ReaderStream(max_line=512)
    got = stream.feed(noise, now=0.0)
    assert all(isinstance(item, CodeLine | Reply | Garbage) for item in got)
    got = stream.feed(encode(items), now=1.0)  # after a pause: the noise's tail is dropped
    assert [item for item in got if not isinstance(item, Garbage)] == expected(items)


@given(wedge_texts, st.sampled_from(["", "]Q1"]), st.sampled_from(["\r", "\n", "\r\n", "\t"]))
def test_wedge_text_line_gives_back_the_code(text: str, prefix: str, ending: str) -> None:
    assert parse_wedge_line(prefix + text + ending, prefix=prefix).text == text


@given(wedge_texts)
def test_wedge_hex_line_gives_back_utf8_text(text: str) -> None:
    line = text.encode("utf-8").hex().upper() + "\r"
    assert parse_wedge_line(line, fmt="hex").text == text


@given(st.binary(min_size=1, max_size=40))
def test_wedge_hex_never_returns_mojibake(raw: bytes) -> None:
    result = parse_wedge_line(raw.hex(), fmt="hex")
    if result.text is not None:
        # UTF-8 exactly, or bytes that are not UTF-8 read strictly as Japanese or Chinese
        assert result.text.encode("utf-8") == raw or result.text in _cjk_readings(raw)


def test_wedge_rejects_empty_and_control_lines() -> None:
    assert parse_wedge_line("\r").reason == "empty"
    assert parse_wedge_line("ab\x1bc\r").reason == "control_characters"
    assert parse_wedge_line("zz", fmt="hex").reason == "not_hex"
    assert parse_wedge_line("C3", fmt="hex").reason == "not_utf8"


@given(wedge_texts, st.floats(0.0, 0.02))
def test_wedge_buffer_passes_a_reader_burst(text: str, gap: float) -> None:
    buffer = WedgeBuffer(max_key_gap_s=0.05)
    at = 100.0
    lines = []
    for ch in text + "\r":
        at += gap
        lines.append(buffer.key(ch, at))
    assert lines == [None] * len(text) + [text]


def test_wedge_buffer_drops_a_person_typing() -> None:
    buffer = WedgeBuffer(max_key_gap_s=0.05)
    results = [buffer.key(ch, 0.2 * index) for index, ch in enumerate("0010990\r")]
    assert results == [None] * 8
    assert buffer.key("A", 10.0) is None and buffer.key("\r", 10.01) == "A"


def _cjk_readings(raw: bytes) -> set[str]:
    readings = set()
    for codec in ("shift_jis", "gb18030"):
        with contextlib.suppress(UnicodeDecodeError):
            readings.add(raw.decode(codec))
    return readings
