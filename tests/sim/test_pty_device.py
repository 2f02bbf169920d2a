"""The one pty device under every simulated and scripted serial device: link, drops, unplug."""

from __future__ import annotations

import os
from pathlib import Path

import serial

from sim.pty_device import PtyDevice


def test_host_opens_the_stable_link_and_both_ways_carry_bytes(tmp_path: Path) -> None:
    link = tmp_path / "ttyDEV"
    with PtyDevice(link) as device, serial.Serial(str(link), timeout=2) as host:
        assert device.port == str(link) and os.path.realpath(link) == device.path
        device.write_all(b"hello\r\n")
        assert host.readline() == b"hello\r\n"
        host.write(b"\x7e\x00")
        host.flush()
        assert device.read(16, timeout=2) == b"\x7e\x00"
        assert not device.any()
    assert not link.exists()


def test_writes_nobody_reads_are_dropped_not_blocking() -> None:
    with PtyDevice() as device:
        taken = device.write(b"x" * 1_000_000)
        assert taken < 1_000_000
        assert device.bytes_dropped == 1_000_000 - taken
        assert device.bytes_written == taken


def test_unplug_leaves_a_newer_devices_link_alone(tmp_path: Path) -> None:
    link = tmp_path / "ttyDEV"
    old = PtyDevice(link)
    new = PtyDevice(link)
    old.close()
    assert os.path.realpath(link) == new.path
    new.close()
    new.close()  # twice is harmless
    assert not link.exists()


def test_read_without_host_is_empty_not_an_error() -> None:
    with PtyDevice() as device:
        assert device.read(16, timeout=0.01) == b""
