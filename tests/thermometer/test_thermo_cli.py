"""The thermometer commands as a user runs them: `chot sim device thermometer`,
`chot sensor read`, `chot firmware check` and `chot firmware deploy`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hardware.thermometer_firmware import check_firmware
from hardware.thermometer_port import send_maintenance
from sim.thermometer_node import SimulatedThermometer

ROOT = Path(__file__).resolve().parents[2]


def chot(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "chot", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, check=False)


@pytest.fixture
def simulated_device(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`chot sim device thermometer` running in its own process; yields it and its port."""
    link = tmp_path / "ttyTHERMO"
    process = subprocess.Popen(
        [sys.executable, "-m", "chot", "sim", "device", "thermometer", "--link", str(link),
         "--object-c", "37.4"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    port = process.stdout.readline().strip()
    yield process, port
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=10)


def test_sensor_read_from_the_simulated_device(
        simulated_device: tuple[subprocess.Popen[str], str]) -> None:
    process, port = simulated_device
    done = chot("sensor", "read", "--port", port, "--count", "3", "--json", timeout=30)
    assert done.returncode == 0, done.stderr
    readings = json.loads(done.stdout.strip().splitlines()[-1])["readings"]
    assert len(readings) == 3
    assert len({r["seq"] for r in readings}) == 3
    for reading in readings:
        assert set(reading) == {"object_c", "ambient_c", "distance_mm", "seq", "age_ms"}
        assert reading["object_c"] == pytest.approx(37.4, abs=0.05)
        assert reading["distance_mm"] == 45 and reading["age_ms"] < 1000
    process.terminate()
    out, _ = process.communicate(timeout=10)
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["port"] == port and summary["boots"] == 1 and summary["bytes_written"] > 0


def test_sensor_read_without_a_node_answers_in_both_languages(tmp_path: Path) -> None:
    done = chot("sensor", "read", "--port", str(tmp_path / "nothing"), "--timeout", "1")
    assert done.returncode == 1
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"readings": [],
                                                                 "error": "port_unavailable"}
    assert "Không mở được cổng" in done.stderr and "Could not open port" in done.stderr
    assert "Traceback" not in done.stderr


def test_firmware_check_passes() -> None:
    done = chot("firmware", "check", "--json")
    assert done.returncode == 0, done.stdout
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["ok"] and result["errors"] == 0
    assert "firmware/thermo_protocol.py" in result["files"]
    assert any(s.startswith("micropython-rp2-stubs") for s in result["stubs"])


def test_firmware_check_catches_cpython_only_code(tmp_path: Path) -> None:
    firmware = tmp_path / "firmware"
    shutil.copytree(ROOT / "firmware", firmware)
    # time.monotonic exists on CPython but not in MicroPython's time module.
    (firmware / "clock.py").write_text('"""Clock."""\n\nimport time\n\n\n'
                                       "def now() -> float:\n    return time.monotonic()\n")
    result = check_firmware(firmware)
    assert not result.ok and result.errors >= 1
    assert "firmware/clock.py" in result.output


def test_firmware_deploy_to_a_missing_port_fails_cleanly(tmp_path: Path) -> None:
    done = chot("firmware", "deploy", "--port", str(tmp_path / "ttyACM9"), timeout=90)
    assert done.returncode == 1
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["ok"] is False and result["reason"]
    assert "Could not deploy firmware" in done.stderr and "Traceback" not in done.stderr


def test_sensor_read_refuses_a_node_on_another_protocol(scripted: Callable[..., Any]) -> None:
    wire = scripted(protocol_version=9)
    done = chot("sensor", "read", "--port", wire.path, "--timeout", "2")
    assert done.returncode == 1
    assert json.loads(done.stdout.strip().splitlines()[-1])["error"] == "protocol_mismatch"
    assert "giao thức khác" in done.stderr and "protocol 9" in done.stderr


def test_maintenance_request_reboots_running_firmware(node: SimulatedThermometer,
                                                      wait_until: Callable[..., bool],
                                                      tmp_path: Path) -> None:
    assert wait_until(lambda: node.boots == 1)
    assert send_maintenance(node.port_path, timeout_s=2.0)
    assert wait_until(lambda: node.boots == 2)
    assert not send_maintenance(str(tmp_path / "absent"), timeout_s=0.2)


def test_sensor_signal_lights_the_node(node: SimulatedThermometer, tmp_path: Path) -> None:
    done = chot("sensor", "signal", "red", "--port", node.port_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"pattern": "red",
                                                                "acknowledged": True}
    assert any(duty == 65535 for _, _, duty in node.board.pwm_state(13).history)  # red LED
    missing = chot("sensor", "signal", "green", "--port", str(tmp_path / "none"),
                   "--timeout", "0.5")
    assert missing.returncode == 1
    assert json.loads(missing.stdout.strip().splitlines()[-1])["error"] == "port_unavailable"


def test_firmware_deploy_end_to_end(tmp_path: Path, wait_until: Callable[..., bool],
                                    make_link: Callable[..., Any]) -> None:
    # Running firmware is asked to free its REPL, mpremote copies the files into the simulated
    # board's flash and resets it, and the node measures again. :firmware is already there,
    # as on every deploy after the first.
    flash = tmp_path / "flash"
    (flash / "firmware").mkdir(parents=True)
    with SimulatedThermometer(link_path=tmp_path / "ttyACM0", flash_dir=flash) as node:
        assert wait_until(lambda: node.boots == 1)
        done = chot("firmware", "deploy", "--port", node.port_path, "--settle", "0.2",
                    timeout=180)
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout.strip().splitlines()[-1])
        assert result["ok"] and "main.py" in result["files"]
        assert node.maintenance_boots == 1
        assert wait_until(lambda: node.boots == 3)
        for source in sorted((ROOT / "firmware").glob("*.py")):
            assert (flash / "firmware" / source.name).read_bytes() == source.read_bytes()
        assert (flash / "main.py").read_bytes() == (ROOT / "firmware" / "main.py").read_bytes()
        assert not (flash / "maintenance.flag").exists()
        assert make_link(node.port_path).wait_ready(3)
