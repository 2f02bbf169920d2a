"""The virtual GM65-style reader: a real pty a serial driver opens, paced like the wire."""

from __future__ import annotations

import time

import serial

from sim.qr_reader_device import WRITE_ACK, QrReaderDevice, crc

CODE = "079188004321||Trần Thị Bích Ngọc|15081988|Nữ|12 Lê Lợi, Quận 1, TP Hồ Chí Minh|20052022"


def test_a_scan_arrives_as_one_utf8_line_exactly() -> None:
    with QrReaderDevice() as device, serial.Serial(device.port, 115200, timeout=2) as port:
        device.scan(CODE)
        assert port.read_until(b"\r\n") == CODE.encode("utf-8") + b"\r\n"


def test_output_is_paced_at_the_baud_rate() -> None:
    with QrReaderDevice(baud=9600) as device, serial.Serial(device.port, timeout=3) as port:
        started = time.monotonic()
        device.scan(CODE)
        line = port.read_until(b"\r\n")
        elapsed = time.monotonic() - started
    assert line.endswith(b"\r\n")
    assert elapsed >= len(line) * 10 / 9600 * 0.8  # ~0.11 s on the wire at 9600 8N1


def test_zone_commands_are_acknowledged_and_read_back(tmp_path) -> None:
    link = tmp_path / "ttyGM65"
    with QrReaderDevice(link=link) as device, serial.Serial(str(link), timeout=2) as port:
        port.write(bytes([0x7E, 0x00, 0x08, 0x01, 0x00, 0x02, 0x01, 0xAB, 0xCD]))
        assert port.read(len(WRITE_ACK)) == WRITE_ACK
        body = bytes([0x07, 0x01, 0x00, 0x02, 0x01])
        port.write(bytes([0x7E, 0x00]) + body + crc(body))
        reply = port.read(7)
        assert reply[:5] == bytes([0x02, 0x00, 0x00, 0x01, 0x01])
        assert reply[5:] == crc(reply[1:5])
        assert device.zones[0x0002] == 0x01


def test_a_command_with_a_bad_check_is_ignored() -> None:
    with QrReaderDevice() as device, serial.Serial(device.port, timeout=0.5) as port:
        port.write(bytes([0x7E, 0x00, 0x08, 0x01, 0x00, 0x02, 0x01, 0x00, 0x00]))
        assert port.read(7) == b""
        assert device.commands_seen == 0


def test_nobody_reading_never_blocks_the_module() -> None:
    with QrReaderDevice(baud=10_000_000) as device:
        for _ in range(200):
            device.scan(CODE)
        assert device.bytes_dropped > 0
