"""A GM65-style serial QR reader on a real pty: codes out, commands acknowledged, faults met."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import serial

from hardware.qr_reader import QrReader, QrReaderLink, ReaderDisconnected, open_serial
from hardware.qr_reader_protocol import ZONE_SETTINGS, ZONE_TRIGGER, read_zone
from infra.polling import wait_until as _wait

CCCD = ("001099012345|123456789|Nguyễn Thị Ánh Tuyết|01021999|Nữ|"
        "Số 12 Ngõ 34, Phường Hoàn Kiếm, Hà Nội|15082021")


def collect(reader: QrReader, count: int, timeout: float = 3.0) -> list[str]:
    codes: list[str] = []
    deadline = time.monotonic() + timeout
    while len(codes) < count and time.monotonic() < deadline:
        codes += reader.poll(0.05)
    return codes


@pytest.fixture
def port(gm65: Any) -> Any:
    handle = open_serial(gm65.path)
    yield handle
    handle.close()


def test_scanned_vietnamese_code_arrives_exactly(gm65: Any, port: Any) -> None:
    reader = QrReader(port, heartbeat_s=0)
    gm65.scan(CCCD)
    gm65.scan("https://khaibaoyte.vn/d/1", suffix=b"\n")
    gm65.scan("VN1:ABC", suffix=b"\r")
    assert collect(reader, 3) == [CCCD, "https://khaibaoyte.vn/d/1", "VN1:ABC"]
    assert reader.garbage == 0


def test_garbage_and_half_lines_are_counted_never_delivered(gm65: Any, port: Any) -> None:
    reader = QrReader(port, heartbeat_s=0, line_gap_s=0.15)
    gm65.send(b"\xff\xfe\x80garbled\r\n")          # not UTF-8
    gm65.send(b"ok\x07bell\r\n")                    # control character inside
    gm65.send("Nguyễn Th".encode()[:-1])            # half a code, the module lost power
    codes = reader.poll(0.4)                        # the driver keeps polling meanwhile
    gm65.scan("CODE-2")
    codes += collect(reader, 1)
    codes += reader.poll(0.2)
    assert codes == ["CODE-2"]
    assert reader.garbage == 3
    assert reader.last_garbage_reason == "half_line"


def test_mode_is_set_by_read_modify_write_and_acknowledged(gm65: Any, port: Any) -> None:
    reader = QrReader(port, heartbeat_s=0)
    assert reader.set_mode("command")
    assert gm65.mode == "command"
    assert gm65.zones[ZONE_SETTINGS] & 0b1000_0000, "the other setting bits are kept"
    assert reader.set_mode("continuous")
    assert gm65.mode == "continuous"
    assert gm65.bad_crc_frames == 0
    with pytest.raises(ValueError):
        reader.set_mode("sideways")


def test_trigger_in_command_mode_starts_one_scan(gm65: Any, port: Any) -> None:
    reader = QrReader(port, heartbeat_s=0)
    assert reader.set_mode("command")
    gm65.pending_scan = CCCD
    assert reader.trigger()
    assert gm65.zones[ZONE_TRIGGER] == 1
    assert collect(reader, 1) == [CCCD]


def test_code_arriving_while_a_command_waits_is_not_lost(gm65: Any, port: Any) -> None:
    reader = QrReader(port, heartbeat_s=0)
    gm65.scan("EARLY")
    assert reader.set_mode("continuous")
    assert collect(reader, 1) == ["EARLY"]


def test_command_right_after_a_heartbeat_gets_its_own_reply(gm65: Any, port: Any) -> None:
    reader = QrReader(port, heartbeat_s=0.01)
    gm65.zones[ZONE_TRIGGER] = 0x00
    reader.poll(0.0)  # sends a heartbeat (a read of the settings zone, 0x80 here)
    reply = reader.command(read_zone(ZONE_TRIGGER))
    assert reply is not None and reply.data == b"\x00"
    assert reader.responsive()


def test_mute_module_goes_down_by_heartbeat_and_recovers(gm65: Any, port: Any) -> None:
    now = [0.0]
    reader = QrReader(port, clock=lambda: now[0], heartbeat_s=1.0, reply_timeout_s=0.2)
    def answered() -> bool:
        reader.poll(0.0)
        return reader.last_heard == now[0]  # the fake's reply came in at this (fake) time

    for _ in range(3):
        assert _wait(answered, 3)
        now[0] += 1.1
    assert reader.responsive()
    gm65.mute = True
    for _ in range(4):
        seen = len(gm65.commands)
        reader.poll(0.0)  # sends the heartbeat
        # The muted module has the heartbeat and will never answer it.
        assert _wait(lambda seen=seen: len(gm65.commands) > seen, 3)
        reader.poll(0.0)
        now[0] += 1.1
    assert not reader.responsive()
    gm65.scan("BACK")
    assert collect(reader, 1) == ["BACK"]
    assert reader.responsive()


def test_unplugged_port_raises_reader_disconnected(gm65: Any, port: Any) -> None:
    reader = QrReader(port, heartbeat_s=0)
    port.close()
    with pytest.raises(ReaderDisconnected):
        reader.poll(0.1)


def test_unknown_encoding_is_refused_at_start(port: Any) -> None:
    with pytest.raises(LookupError):
        QrReader(port, encoding="no-such-charset")


def test_link_delivers_codes_and_reconnects_after_unplug(make_gm65: Any) -> None:
    module = make_gm65()
    got: list[tuple[str, str]] = []
    arrived = threading.Event()

    def on_code(text: str, source: str, _at: float) -> None:
        got.append((text, source))
        arrived.set()

    link = QrReaderLink(str(module.link), name="gm65", heartbeat_s=0.5, min_backoff_s=0.05,
                        max_backoff_s=0.2)
    link.start(on_code)
    try:
        assert _wait(lambda: link.health().state == "ok")
        assert module.mode == "continuous"
        module.scan(CCCD)
        assert arrived.wait(3)
        assert got == [(CCCD, "gm65")]
        module.unplug()
        assert _wait(lambda: link.health().state == "down")
        assert "cannot open" in link.health().detail or "failed" in link.health().detail
        replacement = make_gm65()
        assert _wait(lambda: link.health().state == "ok", timeout=5)
        arrived.clear()
        replacement.scan("AFTER-REPLUG")
        assert arrived.wait(3)
        assert got[-1] == ("AFTER-REPLUG", "gm65")
        assert link.health().codes == 2
        assert link.reconnects >= 1
    finally:
        started = time.monotonic()
        link.stop()
        assert time.monotonic() - started < 2
    assert link.health().state == "stopped"


def test_link_survives_a_failing_receiver(gm65: Any) -> None:
    got: list[str] = []

    def on_code(text: str, _source: str, _at: float) -> None:
        got.append(text)
        if text == "FIRST":
            raise RuntimeError("kiosk bug")

    link = QrReaderLink(gm65.path, heartbeat_s=0)
    link.start(on_code)
    try:
        assert _wait(lambda: link.health().state == "ok")
        gm65.scan("FIRST")
        gm65.scan("SECOND")
        assert _wait(lambda: got == ["FIRST", "SECOND"])
        assert link.health().state == "ok"
    finally:
        link.stop()


def test_link_to_a_missing_port_reports_down_without_hanging(tmp_path: Any) -> None:
    link = QrReaderLink(str(tmp_path / "no-such-tty"), min_backoff_s=0.05, max_backoff_s=0.1)
    link.start(lambda *_: None)
    try:
        assert _wait(lambda: link.health().state == "down")
        assert "cannot open" in link.health().detail
    finally:
        link.stop()


def test_loop_url_works_like_a_port() -> None:
    # pyserial's loop:// echoes our own commands back: they are not codes and not replies.
    port = serial.serial_for_url("loop://", timeout=0.05)
    reader = QrReader(port, heartbeat_s=0, reply_timeout_s=0.1)
    assert reader.trigger() is False
    assert reader.poll(0.1) == []

