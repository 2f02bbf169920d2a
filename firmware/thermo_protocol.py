"""Thermometer node serial protocol: framing, checksum and payload layouts (pure, no I/O).

Imported unchanged by the MicroPython firmware, the host driver and the simulator, so it uses
only `struct` and `bytearray`, and allocates nothing while parsing.

Frame: SYNC1 SYNC2 LEN SEQ TYPE PAYLOAD[LEN] CRC_HI CRC_LO
CRC is CRC-16/CCITT-FALSE over LEN..PAYLOAD, so a corrupted length is caught as well.
"""

import struct

PROTOCOL_VERSION = 1

SYNC1 = 0xCB
SYNC2 = 0x7A
SYNC = b"\xcb\x7a"
HEADER_SIZE = 5
CRC_SIZE = 2
MAX_PAYLOAD = 32
MAX_FRAME = HEADER_SIZE + MAX_PAYLOAD + CRC_SIZE

# Node to host.
MSG_IDENTIFY = 0x01
MSG_HEARTBEAT = 0x02
MSG_READING = 0x03
MSG_SENSOR_FAULT = 0x04
MSG_ACK = 0x05
# Host to node.
MSG_HELLO = 0x81
MSG_SIGNAL = 0x82
MSG_SET_CALIBRATION = 0x83
MSG_MAINTENANCE = 0x84

IDENTIFY_FORMAT = "<BBBBI"
SERIAL_SIZE = 8
HEARTBEAT_FORMAT = "<IIBBhH"
READING_FORMAT = "<IIHHHh"
SENSOR_FAULT_FORMAT = "<IBBI"
ACK_FORMAT = "<BBB"
HELLO_FORMAT = "<B"
SIGNAL_FORMAT = "<B"
CALIBRATION_FORMAT = "<h"

PAYLOAD_SIZES = {
    MSG_IDENTIFY: struct.calcsize(IDENTIFY_FORMAT) + SERIAL_SIZE,
    MSG_HEARTBEAT: struct.calcsize(HEARTBEAT_FORMAT),
    MSG_READING: struct.calcsize(READING_FORMAT),
    MSG_SENSOR_FAULT: struct.calcsize(SENSOR_FAULT_FORMAT),
    MSG_ACK: struct.calcsize(ACK_FORMAT),
    MSG_HELLO: struct.calcsize(HELLO_FORMAT),
    MSG_SIGNAL: struct.calcsize(SIGNAL_FORMAT),
    MSG_SET_CALIBRATION: struct.calcsize(CALIBRATION_FORMAT),
    MSG_MAINTENANCE: 0,
}

PATTERN_OFF = 0
PATTERN_GREEN = 1
PATTERN_AMBER = 2
PATTERN_RED = 3
PATTERN_COUNT = 4

ACK_OK = 0
ACK_BAD_ARGUMENT = 1
ACK_UNKNOWN_COMMAND = 2

STATUS_THERMOMETER_OK = 0x01
STATUS_PROXIMITY_OK = 0x02
STATUS_TARGET_PRESENT = 0x04

SENSOR_THERMOMETER = 1
SENSOR_PROXIMITY = 2
FAULT_BAD_PEC = 1
FAULT_ERROR_FLAG = 2
FAULT_BUS = 3
FAULT_RANGE = 4

# Parser results besides a frame length; negative values name why bytes were dropped.
NEED_MORE = 0
BAD_SYNC = -1
BAD_LENGTH = -2
BAD_CRC = -3


def _crc_table() -> tuple:
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
        table.append(crc & 0xFFFF)
    return tuple(table)


_CRC_TABLE = _crc_table()


def crc16(buf: bytes | bytearray, start: int, end: int) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) of buf[start:end]."""
    crc = 0xFFFF
    table = _CRC_TABLE
    for i in range(start, end):
        crc = ((crc << 8) & 0xFFFF) ^ table[(crc >> 8) ^ buf[i]]
    return crc


def frame_status(buf: bytes | bytearray, start: int, end: int) -> int:
    """Length of the valid frame at buf[start:end], NEED_MORE, or a negative BAD_* reason."""
    available = end - start
    if available < 1:
        return NEED_MORE
    if buf[start] != SYNC1 or (available > 1 and buf[start + 1] != SYNC2):
        return BAD_SYNC
    if available < 3:
        return NEED_MORE
    length = buf[start + 2]
    if length > MAX_PAYLOAD:
        return BAD_LENGTH
    total = HEADER_SIZE + length + CRC_SIZE
    if available < total:
        return NEED_MORE
    crc_at = start + total - CRC_SIZE
    if crc16(buf, start + 2, crc_at) != (buf[crc_at] << 8) | buf[crc_at + 1]:
        return BAD_CRC
    return total


def encode_into(out: bytearray, seq: int, msg_type: int, payload: bytes | bytearray,
                length: int) -> int:
    """Write one frame carrying payload[:length] into out; returns the frame length."""
    if length > MAX_PAYLOAD:
        raise ValueError("payload too long")
    out[0] = SYNC1
    out[1] = SYNC2
    out[2] = length
    out[3] = seq & 0xFF
    out[4] = msg_type
    for i in range(length):
        out[HEADER_SIZE + i] = payload[i]
    crc_at = HEADER_SIZE + length
    crc = crc16(out, 2, crc_at)
    out[crc_at] = crc >> 8
    out[crc_at + 1] = crc & 0xFF
    return crc_at + CRC_SIZE


def encode(seq: int, msg_type: int, payload: bytes | bytearray = b"") -> bytes:
    """One frame as bytes (allocates; for the host side)."""
    out = bytearray(HEADER_SIZE + len(payload) + CRC_SIZE)
    encode_into(out, seq, msg_type, payload, len(payload))
    return bytes(out)


def _find_sync_loop(data: bytes | bytearray, start: int, end: int) -> int:
    i = start
    while i < end:
        if data[i] == SYNC1 and (i + 1 == end or data[i + 1] == SYNC2):
            return i
        i += 1
    return end


def _find_sync_fast(data: bytes | bytearray, start: int, end: int) -> int:
    i = data.find(SYNC, start, end)
    if i >= 0:
        return i
    if end > start and data[end - 1] == SYNC1:
        return end - 1
    return end


# CPython's bytes.find searches megabytes of garbage at C speed; MicroPython's bytearray has no
# find, and only ever sees a few bytes at a time there.
_find_sync = _find_sync_fast if hasattr(bytearray, "find") else _find_sync_loop


class FrameParser:
    """Turns a byte stream into frames, skipping garbage and resynchronising after bad frames.

    Call feed(data, start, end); it returns the position it consumed up to. When `ready` is
    set, the frame is in seq, msg_type, payload[:length] until the next feed.
    """

    def __init__(self) -> None:
        self.buf = bytearray(MAX_FRAME)
        self.n = 0
        self.ready = False
        self.seq = 0
        self.msg_type = 0
        self.length = 0
        self.payload = bytearray(MAX_PAYLOAD)
        self.frames = 0
        self.rejected = 0
        self.skipped = 0

    def reset(self) -> None:
        """Forget any partial frame (the link was reopened)."""
        self.n = 0
        self.ready = False

    def feed(self, data: bytes | bytearray, start: int, end: int) -> int:
        """Consume data[start:end] until a frame is ready or the data runs out; returns the
        position reached."""
        self.ready = False
        i = start
        buf = self.buf
        while True:
            if self.n == 0:
                j = _find_sync(data, i, end)
                self.skipped += j - i
                i = j
                if i >= end:
                    return i
            status = frame_status(buf, 0, self.n)
            if status > 0:
                self._take(status)
                return i
            if status < 0:
                # A lone SYNC1 is just garbage; a bad length or checksum is a rejected frame.
                if status != BAD_SYNC:
                    self.rejected += 1
                self._resync()
                continue
            need = HEADER_SIZE + CRC_SIZE + (buf[2] if self.n >= 3 else 0)
            if self.n < 3:
                need = 3
            take = need - self.n
            if take > end - i:
                take = end - i
            if take == 0:
                return i
            n = self.n
            for k in range(take):
                buf[n + k] = data[i + k]
            self.n = n + take
            i += take

    def _take(self, total: int) -> None:
        buf = self.buf
        self.seq = buf[3]
        self.msg_type = buf[4]
        self.length = total - HEADER_SIZE - CRC_SIZE
        for k in range(self.length):
            self.payload[k] = buf[HEADER_SIZE + k]
        # After a resync the buffer can hold the start of the next frame: keep it.
        rest = self.n - total
        for k in range(rest):
            buf[k] = buf[total + k]
        self.n = rest
        self.frames += 1
        self.ready = True

    def _resync(self) -> None:
        # The frame at buf[0] is bad: keep the bytes after its first one, from the next sync.
        buf = self.buf
        n = self.n
        j = _find_sync_loop(buf, 1, n)
        self.skipped += j
        for k in range(n - j):
            buf[k] = buf[j + k]
        self.n = n - j


def raw_to_centi_c(raw: int) -> int:
    """MLX90614 raw word (0.02 K per count) to hundredths of a degree Celsius."""
    return raw * 2 - 27315


def pack_identify(out: bytearray, fw_version: tuple, boot_id: int,
                  serial: bytes | bytearray) -> int:
    """IDENTIFY payload into out: firmware (major, minor, patch), boot id, 8-byte serial."""
    struct.pack_into(IDENTIFY_FORMAT, out, 0, fw_version[0], fw_version[1], fw_version[2],
                     PROTOCOL_VERSION, boot_id)
    base = struct.calcsize(IDENTIFY_FORMAT)
    for k in range(SERIAL_SIZE):
        out[base + k] = serial[k] if k < len(serial) else 0
    return PAYLOAD_SIZES[MSG_IDENTIFY]


def unpack_identify(payload: bytes | bytearray) -> tuple:
    """(fw_major, fw_minor, fw_patch, protocol_version, boot_id, serial bytes)."""
    fields = struct.unpack_from(IDENTIFY_FORMAT, payload, 0)
    base = struct.calcsize(IDENTIFY_FORMAT)
    return fields + (bytes(payload[base:base + SERIAL_SIZE]),)
