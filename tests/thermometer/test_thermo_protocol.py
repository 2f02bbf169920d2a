"""The shared codec: what the firmware, the driver and the simulator all rely on."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from firmware import thermo_protocol as proto

# Shared CI cores make any single example slow now and then; timing is not what is tested.
untimed = settings(deadline=None)
frames = st.tuples(st.integers(0, 255), st.integers(0, 255),
                   st.binary(max_size=proto.MAX_PAYLOAD))


def decode_all(data: bytes, chunk: int | None = None) -> tuple[list[tuple[int, int, bytes]],
                                                               proto.FrameParser]:
    parser = proto.FrameParser()
    found = []
    chunk = chunk or max(1, len(data))
    for start in range(0, len(data), chunk):
        piece = data[start:start + chunk]
        position = 0
        while position < len(piece):
            position = parser.feed(piece, position, len(piece))
            if parser.ready:
                found.append((parser.seq, parser.msg_type, bytes(parser.payload[:parser.length])))
    return found, parser


def test_crc_is_ccitt_false() -> None:
    assert proto.crc16(b"123456789", 0, 9) == 0x29B1


@untimed
@given(st.lists(frames, max_size=8))
def test_frames_round_trip(items: list[tuple[int, int, bytes]]) -> None:
    stream = b"".join(proto.encode(seq, msg_type, payload) for seq, msg_type, payload in items)
    found, parser = decode_all(stream)
    assert found == items
    assert parser.rejected == 0 and parser.skipped == 0


@untimed
@given(st.lists(frames, min_size=1, max_size=4), st.integers(1, 7))
def test_any_split_of_the_stream_gives_the_same_frames(items: list[tuple[int, int, bytes]],
                                                       chunk: int) -> None:
    stream = b"".join(proto.encode(*item) for item in items)
    assert decode_all(stream, chunk)[0] == items


@settings(untimed, max_examples=300)
@given(st.binary(max_size=600), st.integers(1, 64))
def test_any_bytes_never_raise(data: bytes, chunk: int) -> None:
    found, parser = decode_all(data, chunk)
    assert parser.n <= proto.MAX_FRAME
    assert all(len(payload) <= proto.MAX_PAYLOAD for _, _, payload in found)


@untimed
@given(st.binary(max_size=300), frames)
def test_resynchronises_after_garbage(garbage: bytes, item: tuple[int, int, bytes]) -> None:
    # A truncated frame in the garbage must not swallow the good frame that follows.
    good = proto.encode(*item)
    found, _ = decode_all(garbage + good[:len(good) // 2] + good)
    assert found[-1] == item


def test_a_frame_found_by_resync_keeps_the_next_one() -> None:
    # Half a reading, then an ACK and a reading: the resync finds the ACK inside the buffer,
    # whose tail already holds the start of the reading.
    reading = proto.encode(2, proto.MSG_READING, bytes(16))
    ack = proto.encode(3, proto.MSG_ACK, b"\x01\x83\x00")
    found, parser = decode_all(reading[:11] + ack + reading)
    assert [msg_type for _, msg_type, _ in found] == [proto.MSG_ACK, proto.MSG_READING]
    assert parser.rejected == 1


@untimed
@given(frames, st.integers(1, 100), st.lists(frames, min_size=1, max_size=4))
def test_no_frame_is_lost_after_a_cut_frame(cut: tuple[int, int, bytes], where: int,
                                            items: list[tuple[int, int, bytes]]) -> None:
    # A node that resets mid-frame: every whole frame after the stump must still arrive. The
    # stump's length byte may hold them back until it is proven wrong by later bytes (on the
    # wire: the next heartbeat), hence the padding.
    whole = proto.encode(*cut)
    stump = whole[:where % len(whole)]
    following = b"".join(proto.encode(*item) for item in items)
    # Unless the next bytes happen to be exactly what the stump lacks: then it is the whole
    # frame, delivered, and the frame after it loses its start (1 in 256 cuts one byte short).
    assume(following[:len(whole) - len(stump)] != whole[len(stump):])
    found, _ = decode_all(stump + following + bytes(proto.MAX_FRAME))
    assert found == items


@untimed
@given(frames, st.integers(0, 100), st.integers(0, 7))
def test_a_flipped_bit_is_rejected(item: tuple[int, int, bytes], where: int, bit: int) -> None:
    frame = bytearray(proto.encode(*item))
    frame[2 + where % (len(frame) - 2)] ^= 1 << bit
    after = (7, proto.MSG_HEARTBEAT, b"\x00" * 14)
    # A flipped length byte can hold the next frame back until more bytes prove it wrong.
    found, parser = decode_all(bytes(frame) + proto.encode(*after) + bytes(proto.MAX_FRAME))
    assert found == [after]
    assert parser.rejected >= 1


@untimed
@given(st.binary(max_size=200))
def test_sync_search_is_the_same_on_micropython(data: bytes) -> None:
    # The firmware's byte loop must agree with the C-speed search the host uses.
    for start in range(0, len(data) + 1, 7):
        assert proto._find_sync_loop(data, start, len(data)) == \
            proto._find_sync_fast(data, start, len(data))


def test_oversized_length_is_rejected_and_skipped() -> None:
    good = proto.encode(1, proto.MSG_ACK, b"\x01\x82\x00")
    found, parser = decode_all(bytes([proto.SYNC1, proto.SYNC2, proto.MAX_PAYLOAD + 1]) + good)
    assert found == [(1, proto.MSG_ACK, b"\x01\x82\x00")]
    assert parser.rejected == 1


def test_every_message_fits_a_frame() -> None:
    assert max(proto.PAYLOAD_SIZES.values()) <= proto.MAX_PAYLOAD
    assert proto.raw_to_centi_c(round((36.6 + 273.15) / 0.02)) == 3661
