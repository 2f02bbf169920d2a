"""Finding the node and configuring the link: USB discovery, validation, fresh readings."""

from __future__ import annotations

import termios
import time
from collections.abc import Callable
from typing import Any

import pytest
import serial
from pydantic import ValidationError
from serial.tools import list_ports
from serial.tools.list_ports_common import ListPortInfo

from hardware.thermometer import ThermometerLink
from hardware.thermometer_port import find_node_port, open_port
from hardware.thermometer_types import (
    MICROPYTHON_RP2_PID,
    MICROPYTHON_RP2_VID,
    ThermometerConfig,
)
from infra.polling import wait_until
from sim.thermometer_node import SimulatedThermometer


def usb_port(device: str, vid: int, pid: int) -> ListPortInfo:
    info = ListPortInfo(device, skip_link_detection=True)
    info.vid, info.pid = vid, pid
    return info


def test_finds_the_node_by_usb_id(node: SimulatedThermometer,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # The pty stands where udev would list /dev/ttyACM0; a CH340 bridge is listed first.
    assert node.pty_name is not None
    monkeypatch.setattr(list_ports, "comports", lambda: [
        usb_port("/dev/ttyUSB0", 0x1A86, 0x7523),
        usb_port(node.pty_name, MICROPYTHON_RP2_VID, MICROPYTHON_RP2_PID),
    ])
    assert find_node_port(MICROPYTHON_RP2_VID, MICROPYTHON_RP2_PID) == node.pty_name
    assert find_node_port(0xFFFF, 0xFFFF) is None
    link = ThermometerLink(ThermometerConfig(port=None, link_timeout_s=1.0)).start()
    try:
        assert link.wait_ready(3)
        assert link.health().port == node.pty_name
    finally:
        link.stop()


def test_unknown_and_bad_keys_are_refused_by_name() -> None:
    with pytest.raises(ValidationError, match="stale_after"):
        ThermometerConfig.model_validate({"stale_after": 2})
    with pytest.raises(ValidationError, match="calibration_offset_c"):
        ThermometerConfig(calibration_offset_c=9.0)


def test_nothing_blocks_or_raises_without_a_node(make_link: Callable[..., ThermometerLink],
                                                 tmp_path: object) -> None:
    link = make_link(f"{tmp_path}/absent")
    assert link.latest() is None and link.fresh_reading() is None
    assert link.signal("red", wait_s=0.2) is False
    assert link.wait_reading(None, 0.1) is None
    health = link.health()
    assert health.state == "disconnected" and not health.connected
    assert health.port_error is not None and "No such file" in health.port_error
    with pytest.raises(ValueError, match="purple"):
        link.signal("purple")


def test_fresh_reading_since_a_scan_began(node: SimulatedThermometer,
                                          make_link: Callable[..., ThermometerLink]) -> None:
    link = make_link(node.port_path)
    reading = link.wait_reading(None, 3)
    assert reading is not None
    scan_started = link.now()
    before = link.fresh_reading(since=scan_started)
    assert before is None or before.seq != reading.seq
    newer = link.wait_reading(reading, 2)
    assert newer is not None
    after = link.fresh_reading(since=scan_started)
    assert after is not None and after.received_at >= scan_started


def test_link_survives_errors_pyserial_lets_through(node: SimulatedThermometer) -> None:
    # pyserial's reset_input_buffer raises termios.error unwrapped; the first port must be
    # closed again (it holds an exclusive lock) and the thread must carry on.
    opened: list[Any] = []

    def flaky_opener(name: str, baudrate: int) -> Any:
        port = open_port(name, baudrate)
        opened.append(port)
        if len(opened) == 1:
            def broken() -> None:
                raise termios.error(5, "Input/output error")
            port.reset_input_buffer = broken
        return port

    config = ThermometerConfig(port=node.port_path, reconnect_interval_s=0.1)
    link = ThermometerLink(config, opener=flaky_opener).start()
    try:
        assert link.wait_ready(3)
        assert len(opened) == 2 and not opened[0].is_open
    finally:
        link.stop()


def test_link_thread_outlives_an_unexpected_error(node: SimulatedThermometer,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    opened: list[Any] = []

    def opener(name: str, baudrate: int) -> Any:
        port = open_port(name, baudrate)
        opened.append(port)
        if len(opened) == 1:
            def broken(size: int = 1) -> bytes:
                raise RuntimeError("driver bug")
            port.read = broken
        return port

    config = ThermometerConfig(port=node.port_path, reconnect_interval_s=0.1)
    link = ThermometerLink(config, opener=opener).start()
    try:
        assert link.wait_ready(3)
        assert not opened[0].is_open
        assert "unexpected error" in caplog.text
    finally:
        link.stop()


def test_an_absent_port_is_retried_with_growing_waits_then_at_the_cap() -> None:
    # A fixed interval hammers a dead USB port forever; the waits double up to reconnect_max_s.
    tries: list[float] = []

    def missing(name: str, baudrate: int) -> Any:
        tries.append(time.monotonic())
        raise serial.SerialException(f"could not open port {name}")

    config = ThermometerConfig(port="/dev/no-such-node", reconnect_interval_s=0.05,
                               reconnect_max_s=0.4)
    link = ThermometerLink(config, opener=missing).start()
    try:
        wait_until(lambda: len(tries) >= 7, 10.0)
    finally:
        link.stop()
    gaps = [later - earlier for earlier, later in zip(tries, tries[1:], strict=False)]
    assert len(gaps) >= 6
    assert gaps[0] < 0.2  # 0.05 s, whatever the load
    assert gaps[3] >= 0.38 and gaps[5] >= 0.38  # 0.4 s: doubled up to the cap
    assert max(gaps[:6]) < 0.4 + 2.0  # and not beyond it
