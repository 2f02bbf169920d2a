"""The host driver against a scripted node on a raw pty: whatever arrives on the wire is
detected, counted, and never crashes or blocks the caller."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from firmware import thermo_protocol as proto
from hardware.thermometer import ThermometerLink


def handled_so_far(wire: Any, link: ThermometerLink, wait_until: Callable[..., bool]) -> bool:
    """Send a frame the host must reject and wait until it has: it reads the wire in order, so
    everything sent before is handled by then (a wait on that, not a guessed time)."""
    rejected = link.health().frames_rejected
    hello = bytes(proto.PAYLOAD_SIZES[proto.MSG_HELLO])
    # HELLO goes host to node only; the node's last sequence number again leaves no gap.
    wire.send(proto.encode(wire.seq, proto.MSG_HELLO, hello))
    return wait_until(lambda: link.health().frames_rejected > rejected)


def test_ten_megabytes_of_random_bytes(scripted: Callable[..., Any],
                                       make_link: Callable[..., ThermometerLink],
                                       wait_until: Callable[..., bool]) -> None:
    wire = scripted()
    # Long timeouts: the flood delays heartbeats, and this test is about garbage, not silence.
    link = make_link(wire.path, link_timeout_s=30.0)
    assert link.wait_ready(3)
    noise = random.Random(4).randbytes(10_000_000)
    flood = threading.Thread(target=wire.send, args=(noise,))
    flood.start()
    slowest = 0.0
    while flood.is_alive():
        started = time.monotonic()
        link.health()
        link.latest()
        link.signal("green")
        slowest = max(slowest, time.monotonic() - started)
        time.sleep(0.01)  # pacing the caller's polls during the flood, not waiting for it
    flood.join()
    assert slowest < 0.3  # a port write may wait 0.5 s, the whole flood takes longer
    wire.send(wire.reading(36.9))
    assert wait_until(lambda: link.latest() is not None, timeout=10)
    health = link.health()
    assert health.bytes_skipped >= 9_900_000
    assert health.frames_rejected > 0
    assert health.readings == 1 and health.state == "ready"
    assert link.latest().object_c == pytest.approx(36.9, abs=0.02)  # type: ignore[union-attr]


def test_half_frames_and_bad_checksums(scripted: Callable[..., Any],
                                       make_link: Callable[..., ThermometerLink],
                                       wait_until: Callable[..., bool]) -> None:
    wire = scripted()
    link = make_link(wire.path)
    assert link.wait_ready(3)
    half = wire.reading(36.1, seq=1)
    wire.send(half[:len(half) // 2])
    corrupted = bytearray(wire.reading(36.2, seq=2))
    corrupted[-1] ^= 0x01
    wire.send(bytes(corrupted))
    wire.send(wire.reading(36.3, seq=3))
    assert wait_until(lambda: link.latest() is not None)
    health = link.health()
    assert link.latest().object_c == pytest.approx(36.3, abs=0.02)  # type: ignore[union-attr]
    assert health.readings == 1
    assert health.frames_rejected >= 2
    assert health.frames_missed >= 2


def test_protocol_mismatch_is_refused(scripted: Callable[..., Any],
                                      make_link: Callable[..., ThermometerLink],
                                      wait_until: Callable[..., bool]) -> None:
    wire = scripted(protocol_version=proto.PROTOCOL_VERSION + 1)
    link = make_link(wire.path)
    assert wait_until(lambda: link.health().state == "protocol_mismatch")
    assert not link.wait_ready(0.3)
    wire.send(wire.reading(36.5))
    wire.send(wire.heartbeat())
    assert handled_so_far(wire, link, wait_until)
    health = link.health()
    assert health.protocol_mismatches == 1 and not health.connected
    assert health.identity is not None and health.identity.protocol_version == 2
    assert link.latest() is None
    assert link.signal("red") is False


def test_silent_node_is_noticed_and_greeted_again(scripted: Callable[..., Any],
                                                  make_link: Callable[..., ThermometerLink],
                                                  wait_until: Callable[..., bool]) -> None:
    wire = scripted()
    link = make_link(wire.path, link_timeout_s=0.4)
    assert link.wait_ready(3)
    hellos = wire.hellos
    assert wait_until(lambda: link.health().link_timeouts >= 1)
    assert wait_until(lambda: wire.hellos > hellos)
    assert link.wait_ready(1)


def test_calibration_is_sent_on_identify_and_commands_retried(
        scripted: Callable[..., Any], make_link: Callable[..., ThermometerLink],
        wait_until: Callable[..., bool]) -> None:
    wire = scripted()
    link = make_link(wire.path, calibration_offset_c=-1.25)
    assert link.wait_ready(3)
    assert wait_until(lambda: any(kind == proto.MSG_SET_CALIBRATION
                                  for kind, _ in wire.commands))
    payload = next(p for kind, p in wire.commands if kind == proto.MSG_SET_CALIBRATION)
    assert int.from_bytes(payload, "little", signed=True) == -125
    assert link.signal("amber", wait_s=1.0)


def test_a_node_that_lost_its_calibration_gets_it_again(
        scripted: Callable[..., Any], make_link: Callable[..., ThermometerLink],
        wait_until: Callable[..., bool]) -> None:
    wire = scripted()
    link = make_link(wire.path, calibration_offset_c=-1.25)
    assert link.wait_ready(3)

    def calibrations() -> int:
        return sum(kind == proto.MSG_SET_CALIBRATION for kind, _ in wire.commands)

    assert wait_until(lambda: calibrations() == 1)
    wire.send(wire.heartbeat(calibration_centi=-125))
    assert handled_so_far(wire, link, wait_until)
    # A command after it reaches the node after any the heartbeat caused (one writer).
    assert link.signal("green", wait_s=2.0)
    assert calibrations() == 1
    wire.send(wire.heartbeat(calibration_centi=0))
    assert wait_until(lambda: calibrations() == 2)


def test_reading_from_an_unannounced_boot_means_a_reset(
        scripted: Callable[..., Any], make_link: Callable[..., ThermometerLink],
        wait_until: Callable[..., bool]) -> None:
    wire = scripted()
    link = make_link(wire.path)
    assert link.wait_ready(3)
    wire.boot_id += 1
    wire.send(wire.reading(36.4))
    assert wait_until(lambda: link.health().resets_seen == 1)
    assert link.wait_ready(2)
    assert link.health().identity.boot_id == wire.boot_id  # type: ignore[union-attr]
