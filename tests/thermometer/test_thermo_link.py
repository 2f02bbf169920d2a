"""The host driver over real ptys, against the real firmware on a simulated board: on the
CPython board model and on MicroPython 1.27 itself (`any_node`)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from firmware import thermo_protocol as proto
from hardware.thermometer import ThermometerLink
from sim.micropython_thermometer import MicroPythonThermometer
from sim.thermometer_node import SimulatedThermometer

AnyNode = SimulatedThermometer | MicroPythonThermometer


def test_plausible_readings_end_to_end(any_node: AnyNode,
                                       make_link: Callable[..., ThermometerLink]) -> None:
    link = make_link(any_node.port_path, calibration_offset_c=0.3)
    assert link.wait_ready(3)
    first = link.wait_reading(None, 2)
    reading = link.wait_reading(first, 2)
    assert reading is not None and not reading.stale
    assert reading.object_c == pytest.approx(36.6 + 0.3, abs=0.05)
    assert reading.ambient_c == pytest.approx(28.0, abs=0.05)
    assert reading.distance_mm == 45
    assert reading.calibration_offset_c == pytest.approx(0.3)
    health = link.health()
    assert health.connected and health.state == "ready"
    assert health.identity is not None
    assert health.identity.serial == any_node.unique_id.hex()
    assert health.identity.firmware_version == "1.0.0"
    assert health.thermometer_ok and health.proximity_ok and health.target_present
    assert health.frames_rejected == 0 and health.commands_failed == 0


def test_signal_is_acknowledged_and_lights_the_led(any_node: AnyNode,
                                                   make_link: Callable[..., ThermometerLink]
                                                   ) -> None:
    link = make_link(any_node.port_path)
    assert link.wait_ready(3)
    assert link.signal("red", wait_s=1.0)
    assert any_node.pwm_duty(13) == 65535
    assert link.signal("green", wait_s=1.0)
    assert any_node.pwm_duty(14) == 65535
    assert any_node.pwm_duty(13) == 0


def test_calibration_can_change_while_running(any_node: AnyNode,
                                              make_link: Callable[..., ThermometerLink],
                                              wait_until: Callable[..., bool]) -> None:
    link = make_link(any_node.port_path)
    assert link.wait_ready(3)
    assert link.set_calibration_offset(-0.5, wait_s=1.0)
    assert wait_until(lambda: (r := link.latest()) is not None
                      and r.object_c == pytest.approx(36.1, abs=0.05))


def test_readings_go_stale_when_nobody_is_in_front(any_node: AnyNode,
                                                   make_link: Callable[..., ThermometerLink],
                                                   wait_until: Callable[..., bool]) -> None:
    link = make_link(any_node.port_path, stale_after_s=0.3)
    assert link.wait_reading(None, 3) is not None
    any_node.proximity.target_mm = None
    assert wait_until(lambda: link.fresh_reading() is None)
    reading = link.latest()
    assert reading is not None and reading.stale and reading.age_s > 0.3
    assert wait_until(lambda: not link.health().target_present)


def test_unplug_and_replug(any_node: AnyNode, make_link: Callable[..., ThermometerLink],
                           wait_until: Callable[..., bool]) -> None:
    link = make_link(any_node.port_path)
    assert link.wait_reading(None, 3) is not None
    boot_before = link.health().identity.boot_id  # type: ignore[union-attr]
    any_node.unplug()
    assert wait_until(lambda: not link.health().connected)
    assert link.health().disconnects == 1
    started = time.monotonic()
    assert link.signal("amber") is False
    assert link.health().state == "disconnected"
    assert time.monotonic() - started < 0.3  # generous for a loaded CI machine
    any_node.plug_in()
    assert link.wait_ready(3)
    health = link.health()
    assert health.resets_seen == 1
    assert health.identity is not None and health.identity.boot_id != boot_before
    assert link.wait_reading(link.latest(), 2) is not None


def test_node_reset_mid_frame(node: SimulatedThermometer,
                              make_link: Callable[..., ThermometerLink],
                              wait_until: Callable[..., bool]) -> None:
    link = make_link(node.port_path)
    assert link.wait_reading(None, 3) is not None
    boot_before = link.health().identity.boot_id  # type: ignore[union-attr]
    node.reset(mid_frame_after=9)
    assert wait_until(lambda: link.health().resets_seen == 1)
    health = link.health()
    assert health.identity is not None and health.identity.boot_id != boot_before
    assert health.frames_rejected >= 1
    assert wait_until(lambda: (r := link.latest()) is not None and r.boot_id != boot_before)


@pytest.mark.parametrize(("fault", "name"), [("error_flag", "thermometer_error_flag"),
                                             ("corrupt_pec", "thermometer_bad_pec"),
                                             ("nack", "thermometer_bus")])
def test_sensor_faults_are_counted_and_stop_readings(any_node: AnyNode,
                                                     make_link: Callable[..., ThermometerLink],
                                                     wait_until: Callable[..., bool],
                                                     fault: str, name: str) -> None:
    link = make_link(any_node.port_path, stale_after_s=0.3)
    assert link.wait_reading(None, 3) is not None
    setattr(any_node.thermometer, fault, True)
    assert wait_until(lambda: link.health().sensor_faults >= 2)
    health = link.health()
    assert health.last_fault == name and not health.thermometer_ok
    assert wait_until(lambda: link.fresh_reading() is None)
    setattr(any_node.thermometer, fault, False)
    assert wait_until(lambda: link.fresh_reading() is not None)


@pytest.mark.parametrize("object_c", [75.0, -5.0])
def test_implausible_temperatures_are_rejected(any_node: AnyNode,
                                               make_link: Callable[..., ThermometerLink],
                                               wait_until: Callable[..., bool],
                                               object_c: float) -> None:
    link = make_link(any_node.port_path)
    good = link.wait_reading(None, 3)
    assert good is not None
    any_node.thermometer.object_c = object_c
    assert wait_until(lambda: link.health().out_of_range >= 3)
    latest = link.latest()
    assert latest is not None and 30 < latest.object_c < 40
    assert link.health().last_fault == "out_of_range"


def test_unplugging_takes_the_stable_link_away_until_replugged(tmp_path: Path) -> None:
    # Like udev's /dev/serial/by-id link: a host reopening the path after an unplug must not
    # land on whatever device is given the freed pty number next.
    link = tmp_path / "ttyTHERMO"
    node = SimulatedThermometer(link_path=link)
    node.start()
    try:
        assert link.is_symlink() and Path(os.path.realpath(link)).exists()
        node.unplug()
        assert not link.is_symlink() and not link.exists()
        node.plug_in()
        assert link.is_symlink() and os.path.realpath(link) == node.pty_name
    finally:
        node.stop()


def test_an_unplugged_proximity_sensor_is_reported(any_node: AnyNode,
                                                  make_link: Callable[..., ThermometerLink],
                                                  wait_until: Callable[..., bool]) -> None:
    link = make_link(any_node.port_path, stale_after_s=0.3)
    assert link.wait_reading(None, 3) is not None
    any_node.proximity.nack = True
    assert wait_until(lambda: not link.health().proximity_ok)
    assert link.health().last_fault == "proximity_bus"
    assert wait_until(lambda: link.fresh_reading() is None)
    any_node.proximity.nack = False
    assert wait_until(lambda: link.fresh_reading() is not None)


def test_both_ends_resync_after_garbage(any_node: AnyNode,
                                        make_link: Callable[..., ThermometerLink],
                                        wait_until: Callable[..., bool]) -> None:
    link = make_link(any_node.port_path)
    first = link.wait_reading(None, 3)
    assert first is not None
    # Line noise towards the host: a cut frame, a bad checksum, random bytes.
    noise = proto.encode(9, proto.MSG_READING, bytes(20))
    any_node.inject_from_node(b"\x00\xff" + noise[:7] + noise[:-1] + b"\x13" + b"junk" * 8)
    assert wait_until(lambda: link.health().bytes_skipped > 0)
    assert link.wait_reading(link.latest(), 2) is not None
    # And towards the node: it must skip the garbage and still answer a command after it.
    corrupted = bytearray(proto.encode(7, proto.MSG_SIGNAL, bytes([proto.PATTERN_RED])))
    corrupted[-1] ^= 0xFF
    with open(any_node.port_path, "wb", buffering=0) as wire:
        wire.write(b"\xcb\x7a\x99garbage" + bytes(corrupted))
    assert wait_until(lambda: link.health().node_frames_rejected >= 1)
    assert link.signal("green", wait_s=1.0)
    assert any_node.pwm_duty(14) == 65535
    assert link.health().state == "ready"
