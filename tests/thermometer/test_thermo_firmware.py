"""The firmware's own code under CPython, on a simulated board with register-level sensors."""

from __future__ import annotations

import ast
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from firmware import thermo_protocol as proto
from sim.machine_model import Board, BoardReset, bind, install
from sim.machine_model.mlx90614_model import Mlx90614Model, pec
from sim.machine_model.vl6180x_model import Vl6180xModel

install()

from firmware import board as wiring  # noqa: E402 - needs the stand-in modules installed
from firmware.mlx90614 import smbus_pec  # noqa: E402
from firmware.node import ThermometerNode  # noqa: E402

FIRMWARE = Path(__file__).resolve().parents[2] / "firmware"
MICROPYTHON_MODULES = {"struct", "select", "sys", "os", "random", "machine", "micropython",
                       "utime"}


class Clock:
    """Simulated time, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class MemoryPort:
    """The UART-like port the node is handed, backed by bytes in memory."""

    def __init__(self) -> None:
        self.incoming = bytearray()
        self.sent = bytearray()

    def any(self) -> int:
        return len(self.incoming)

    def readinto(self, buf: bytearray) -> int:
        count = min(len(buf), len(self.incoming))
        buf[:count] = self.incoming[:count]
        del self.incoming[:count]
        return count

    def write(self, buf: bytearray) -> int:
        self.sent += buf
        return len(buf)


class Bench:
    """A node on a simulated board, stepped in simulated time."""

    def __init__(self, proximity_present: bool = True) -> None:
        self.clock = Clock()
        self.board = Board(clock=self.clock)
        self.thermometer = Mlx90614Model(object_c=36.8, ambient_c=29.5)
        self.proximity = Vl6180xModel(target_mm=50, clock=self.clock)
        bus = self.board.i2c_bus(wiring.I2C_ID)
        bus.attach(0x5A, self.thermometer)
        if proximity_present:
            bus.attach(0x29, self.proximity)
        self.port = MemoryPort()
        self.parser = proto.FrameParser()
        self.host_seq = 0
        bind(self.board)
        self.node: ThermometerNode = wiring.build_node(self.port)
        self.node.boot()

    def run(self, ms: int) -> None:
        for _ in range(ms // 5):
            self.clock.now += 0.005
            self.node.step()

    def send(self, msg_type: int, payload: bytes = b"") -> int:
        self.host_seq += 1
        self.port.incoming += proto.encode(self.host_seq, msg_type, payload)
        return self.host_seq

    def frames(self) -> list[tuple[int, bytes]]:
        data = bytes(self.port.sent)
        self.port.sent.clear()
        found = []
        position = 0
        while position < len(data):
            position = self.parser.feed(data, position, len(data))
            if self.parser.ready:
                found.append((self.parser.msg_type,
                              bytes(self.parser.payload[:self.parser.length])))
        return found

    def of_type(self, msg_type: int) -> list[bytes]:
        return [payload for kind, payload in self.frames() if kind == msg_type]


@pytest.fixture
def bench() -> Iterator[Bench]:
    yield Bench()
    bind(None)


def test_pec_matches_the_datasheet_example() -> None:
    # MLX90614 datasheet: reading Tobj1 at 0x5A returns D2 3A with PEC 0x30.
    message = bytes([0xB4, 0x07, 0xB5, 0xD2, 0x3A])
    assert smbus_pec(bytearray(message), 5) == 0x30
    assert pec(message) == 0x30


def test_node_identifies_itself_at_boot(bench: Bench) -> None:
    identify = bench.of_type(proto.MSG_IDENTIFY)
    assert len(identify) == 1
    major, minor, patch, version, boot_id, serial = proto.unpack_identify(identify[0])
    assert (major, minor, patch) == (1, 0, 0)
    assert version == proto.PROTOCOL_VERSION
    assert serial == bench.board.unique_id
    bench.send(proto.MSG_HELLO, b"\x01")
    bench.run(10)
    assert proto.unpack_identify(bench.of_type(proto.MSG_IDENTIFY)[0])[4] == boot_id


def test_board_wiring_follows_the_parts(bench: Bench) -> None:
    assert bench.board.i2c_bus(wiring.I2C_ID).freq == 100_000
    assert bench.board.watchdog_timeout_ms == wiring.WATCHDOG_MS
    # The VL6180X start-up settings were loaded and its fresh-out-of-reset flag cleared.
    assert bench.proximity.registers[0x0207] == 0x01
    assert bench.proximity.registers[0x016] == 0


def test_measures_only_when_someone_is_in_range(bench: Bench) -> None:
    bench.proximity.target_mm = None
    bench.run(1000)
    frames = bench.frames()
    assert not [p for kind, p in frames if kind == proto.MSG_READING]
    heartbeat = [p for kind, p in frames if kind == proto.MSG_HEARTBEAT][-1]
    assert not struct.unpack(proto.HEARTBEAT_FORMAT, heartbeat)[2] & proto.STATUS_TARGET_PRESENT
    bench.proximity.target_mm = 50
    bench.run(1000)
    readings = [struct.unpack(proto.READING_FORMAT, p) for p in bench.of_type(proto.MSG_READING)]
    assert 7 <= len(readings) <= 11
    _, seq, object_raw, ambient_raw, distance, calibration = readings[-1]
    assert seq == len(readings)
    assert abs(proto.raw_to_centi_c(object_raw) - 3680) <= 2  # 0.02 K per count
    assert abs(proto.raw_to_centi_c(ambient_raw) - 2950) <= 2
    assert distance == 50 and calibration == 0


def test_too_near_or_too_far_is_not_measured(bench: Bench) -> None:
    for distance in (5, 150):
        bench.proximity.target_mm = distance
        bench.run(500)
        assert bench.of_type(proto.MSG_READING) == []


@pytest.mark.parametrize(("fault", "code"), [("error_flag", proto.FAULT_ERROR_FLAG),
                                             ("corrupt_pec", proto.FAULT_BAD_PEC),
                                             ("nack", proto.FAULT_BUS)])
def test_thermometer_faults_are_reported_not_measured(bench: Bench, fault: str,
                                                      code: int) -> None:
    setattr(bench.thermometer, fault, True)
    bench.run(500)
    frames = bench.frames()
    assert not [p for kind, p in frames if kind == proto.MSG_READING]
    faults = [struct.unpack(proto.SENSOR_FAULT_FORMAT, p) for kind, p in frames
              if kind == proto.MSG_SENSOR_FAULT]
    assert faults and all(f[1:3] == (proto.SENSOR_THERMOMETER, code) for f in faults)


def test_missing_proximity_sensor_is_reported_at_boot() -> None:
    bench = Bench(proximity_present=False)
    faults = [struct.unpack(proto.SENSOR_FAULT_FORMAT, p)
              for p in bench.of_type(proto.MSG_SENSOR_FAULT)]
    assert faults[0][1:3] == (proto.SENSOR_PROXIMITY, proto.FAULT_BUS)
    bind(None)


def test_proximity_hardware_error_is_reported(bench: Bench) -> None:
    bench.proximity.hardware_error = True
    bench.run(300)
    faults = [struct.unpack(proto.SENSOR_FAULT_FORMAT, p)
              for p in bench.of_type(proto.MSG_SENSOR_FAULT)]
    assert faults and faults[0][1:3] == (proto.SENSOR_PROXIMITY, proto.FAULT_RANGE)


def test_signal_plays_the_pattern_and_is_acknowledged(bench: Bench) -> None:
    seq = bench.send(proto.MSG_SIGNAL, bytes([proto.PATTERN_GREEN]))
    bench.run(10)
    assert struct.unpack(proto.ACK_FORMAT, bench.of_type(proto.MSG_ACK)[0]) == \
        (seq, proto.MSG_SIGNAL, proto.ACK_OK)
    pwm = bench.board.pwm_state
    assert pwm(wiring.LED_GREEN_PIN).duty_u16 == 65535
    assert pwm(wiring.LED_RED_PIN).duty_u16 == 0
    assert pwm(wiring.BUZZER_PIN).freq == 2000 and pwm(wiring.BUZZER_PIN).duty_u16 > 0
    bench.run(200)
    assert pwm(wiring.BUZZER_PIN).duty_u16 == 0
    bench.run(1500)
    assert pwm(wiring.LED_GREEN_PIN).duty_u16 == 0
    bench.send(proto.MSG_SIGNAL, bytes([proto.PATTERN_RED]))
    bench.run(10)
    assert pwm(wiring.LED_RED_PIN).duty_u16 == 65535
    assert pwm(wiring.LED_GREEN_PIN).duty_u16 == 0


def test_bad_commands_are_refused_with_a_reason(bench: Bench) -> None:
    bad_pattern = bench.send(proto.MSG_SIGNAL, bytes([9]))
    unknown = bench.send(0x99, b"")
    short = bench.send(proto.MSG_SET_CALIBRATION, b"\x01")
    too_big = bench.send(proto.MSG_SET_CALIBRATION, struct.pack("<h", 600))
    bench.run(10)
    acks = {struct.unpack(proto.ACK_FORMAT, p)[0]: struct.unpack(proto.ACK_FORMAT, p)[2]
            for p in bench.of_type(proto.MSG_ACK)}
    assert acks == {bad_pattern: proto.ACK_BAD_ARGUMENT, unknown: proto.ACK_UNKNOWN_COMMAND,
                    short: proto.ACK_BAD_ARGUMENT, too_big: proto.ACK_BAD_ARGUMENT}


def test_calibration_is_acknowledged_and_carried_in_readings(bench: Bench) -> None:
    seq = bench.send(proto.MSG_SET_CALIBRATION, struct.pack(proto.CALIBRATION_FORMAT, -35))
    bench.run(300)
    frames = bench.frames()
    acks = [struct.unpack(proto.ACK_FORMAT, p) for kind, p in frames if kind == proto.MSG_ACK]
    assert (seq, proto.MSG_SET_CALIBRATION, proto.ACK_OK) in acks
    reading = [struct.unpack(proto.READING_FORMAT, p) for kind, p in frames
               if kind == proto.MSG_READING][-1]
    assert reading[5] == -35


def test_garbage_from_the_host_is_survived(bench: Bench) -> None:
    bench.port.incoming += bytes(range(256)) * 4 + proto.SYNC + b"\xff"
    seq = bench.send(proto.MSG_SIGNAL, bytes([proto.PATTERN_AMBER]))
    bench.run(600)
    frames = bench.frames()
    acks = [struct.unpack(proto.ACK_FORMAT, p) for kind, p in frames if kind == proto.MSG_ACK]
    assert (seq, proto.MSG_SIGNAL, proto.ACK_OK) in acks
    heartbeat = [p for kind, p in frames if kind == proto.MSG_HEARTBEAT][-1]
    assert struct.unpack(proto.HEARTBEAT_FORMAT, heartbeat)[5] >= 1  # frames it rejected


def test_watchdog_resets_a_stalled_node(bench: Bench) -> None:
    bench.run(100)
    bench.clock.now += (wiring.WATCHDOG_MS + 100) / 1000
    with pytest.raises(BoardReset):
        bench.node.step()


def test_main_disables_ctrl_c_and_honours_the_maintenance_marker(
        bench: Bench, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from firmware import main

    started = []

    class Node:
        def run_forever(self) -> None:
            started.append(bench.board.kbd_intr)

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(main, "build_node", lambda port, on_maintenance: Node())
    monkeypatch.setattr(main, "UsbPort", lambda stdin, stdout: None)
    (tmp_path / main.MAINTENANCE_MARKER).write_text("1")
    main.main()
    assert started == [] and not (tmp_path / main.MAINTENANCE_MARKER).exists()
    main.main()
    assert started == [None]


def _runtime_imports(tree: ast.Module) -> Iterator[str]:
    for node in tree.body:
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import):
                yield from (alias.name for alias in inner.names)
            elif isinstance(inner, ast.ImportFrom):
                yield inner.module or ""


def test_firmware_imports_only_what_micropython_has() -> None:
    for path in sorted(FIRMWARE.glob("*.py")):
        imported = set(_runtime_imports(ast.parse(path.read_text(), str(path))))
        foreign = {name for name in imported
                   if name not in MICROPYTHON_MODULES and not name.startswith("firmware")}
        assert not foreign, f"{path.name} imports {foreign}"


def test_machine_stand_in_speaks_raw_i2c_and_pwm_like_micropython(bench: Bench) -> None:
    import machine

    i2c = machine.I2C(0, scl=machine.Pin(5), sda=machine.Pin(4), freq=100_000)
    assert i2c.scan() == [0x29, 0x5A]
    i2c.writeto(0x29, b"\x00\x00", False)
    assert i2c.readfrom(0x29, 1) == b"\xb4"  # VL6180X model id over a 16-bit pointer
    i2c.writeto(0x5A, b"\x07", False)
    word = i2c.readfrom(0x5A, 3)
    assert word == i2c.readfrom_mem(0x5A, 0x07, 3) and smbus_pec(
        bytearray([0xB4, 0x07, 0xB5, word[0], word[1]]), 5) == word[2]
    with pytest.raises(OSError):
        i2c.readfrom_mem(0x33, 0, 1)
    pwm = machine.PWM(machine.Pin(20), freq=1000, duty_u16=32768)
    assert abs(pwm.duty_ns() - 500_000) < 100
    pwm.init(duty_ns=250_000)
    assert pwm.duty_u16() == 16383
