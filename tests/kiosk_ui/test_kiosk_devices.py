"""The kiosk on real parts from its config: a serial reader on a pty and a SQLite journal.

The simulated GM65 module writes a declaration as the hardware would; the kiosk decides it,
commits it to disk, shows it; then the reader is unplugged and the status bar says so while
the UI keeps answering keys.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from kiosk_harness import ISSUER

from infra.polling import wait_until
from kiosk_ui.app import build_app
from kiosk_ui.config import parse_config
from kiosk_ui.devices import build_ports
from kiosk_ui.sample_travellers import sample_codes
from kiosk_ui.screen_text import screen_text
from sim.qr_reader_device import QrReaderDevice
from sim.thermometer_node import SimulatedThermometer


async def wait_screen(app: object, text: str, timeout: float = 8.0) -> str:
    screen = ""
    for _ in range(int(timeout / 0.05)):
        screen = screen_text(app)  # type: ignore[arg-type]
        if text in screen:
            return screen
        await asyncio.sleep(0.05)
    raise AssertionError(f"{text!r} never appeared:\n{screen}")


@pytest.mark.asyncio
async def test_serial_reader_scan_is_journalled_and_an_unplug_is_shown(tmp_path: Path) -> None:
    issuer_pub = tmp_path / "issuer.pub"
    issuer_pub.write_bytes(ISSUER.public.to_pem())
    journal = tmp_path / "journal.sqlite"
    device = QrReaderDevice(baud=115200)
    config = parse_config({
        "post": "tuan-giao", "kiosk": "k4",
        "policy": {"trust": [str(issuer_pub)]},
        "reader": {"port": device.port, "baud": 115200},
        "thermometer": {"simulated_c": 36.5},
        "journal": {"path": str(journal)},
    })
    running = build_ports(config)
    app = build_app(config, running.ports)
    codes = sample_codes(ISSUER, datetime.now(UTC))  # the kiosk runs on the real clock
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_screen(app, "ĐỌC ✔")
            device.scan(codes["home_quarantine"])
            screen = await wait_screen(app, "CÁCH LY TẠI NHÀ")
            assert "máy đọc · #1" in screen  # the reader, in words
            device.close()
            await wait_screen(app, "ĐỌC ✖HỎNG")
            await pilot.press("f9")
            await wait_screen(app, "READER ✖DOWN")
    finally:
        device.close()
        running.stop()
    with sqlite3.connect(journal) as db:
        [(payload,)] = db.execute("SELECT payload FROM events").fetchall()
    event = json.loads(payload)
    assert (event["outcome"], event["code_kind"], event["temperature_c"]) == (
        "home_quarantine", "declaration", 36.5)


def test_the_thermometer_section_applies_its_calibration_and_finds_auto_ports(
        tmp_path: Path) -> None:
    node = SimulatedThermometer(link_path=tmp_path / "ttyTHERMO", object_c=36.2)
    node.start()
    calibrated = build_ports(parse_config({
        "post": "tuan-giao", "kiosk": "k4",
        "thermometer": {"port": str(tmp_path / "ttyTHERMO"), "calibration_offset_c": 0.5}}))
    try:
        thermometer = calibrated.ports.thermometer
        assert thermometer is not None
        readings = []  # latest() hands a reading over once: keep the one that came

        def came() -> bool:
            readings.append(thermometer.latest())
            return readings[-1] is not None

        wait_until(came, 10, step=0.1)
        reading = readings[-1]
        assert reading is not None and abs(reading.celsius - 36.7) < 0.05
    finally:
        calibrated.stop()
        node.stop()
    # "auto" looks for the node by its USB id; none is attached here: down, with why.
    searching = build_ports(parse_config({"post": "tuan-giao", "kiosk": "k4",
                                          "thermometer": {"port": "auto"}}))
    try:
        assert searching.ports.thermometer is not None
        health = searching.ports.thermometer.health()
        assert health.state == "down" and "no port" in health.detail
    finally:
        searching.stop()
