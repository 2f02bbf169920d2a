"""The host side of the thermometer protocol as a pure state machine: bytes and times in,
frames to send and readings out. No I/O, no clock, no threads: the link drives it."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from firmware import thermo_protocol as proto
from hardware.thermometer_types import NodeIdentity, ThermometerConfig, ThermoReading

DISCONNECTED = "disconnected"
IDENTIFYING = "identifying"
READY = "ready"
PROTOCOL_MISMATCH = "protocol_mismatch"
# A node on the wrong protocol is asked again now and then: it may be reflashed meanwhile.
MISMATCH_RETRY_S = 5.0

FAULT_NAMES = {
    (proto.SENSOR_THERMOMETER, proto.FAULT_BAD_PEC): "thermometer_bad_pec",
    (proto.SENSOR_THERMOMETER, proto.FAULT_ERROR_FLAG): "thermometer_error_flag",
    (proto.SENSOR_THERMOMETER, proto.FAULT_BUS): "thermometer_bus",
    (proto.SENSOR_PROXIMITY, proto.FAULT_BUS): "proximity_bus",
    (proto.SENSOR_PROXIMITY, proto.FAULT_RANGE): "proximity_error",
}
NODE_TO_HOST = (proto.MSG_IDENTIFY, proto.MSG_HEARTBEAT, proto.MSG_READING,
                proto.MSG_SENSOR_FAULT, proto.MSG_ACK)


@dataclass
class PendingCommand:
    """A command awaiting its ACK; `result` is None until acknowledged, refused or given up."""

    seq: int
    msg_type: int
    frame: bytes
    sent_at: float
    attempts: int = 1
    result: bool | None = None


@dataclass
class Counters:
    """Everything the session counts for health."""

    readings: int = 0
    resets_seen: int = 0
    disconnects: int = 0
    link_timeouts: int = 0
    frames_ok: int = 0
    frames_rejected: int = 0
    frames_missed: int = 0
    sensor_faults: int = 0
    out_of_range: int = 0
    commands_sent: int = 0
    commands_failed: int = 0
    protocol_mismatches: int = 0


@dataclass
class NodeStatus:
    """The node's own view from its last heartbeat."""

    thermometer_ok: bool = False
    proximity_ok: bool = False
    target_present: bool = False
    last_fault: str | None = None
    uptime_s: int = 0
    frames_rejected: int = 0


@dataclass
class ThermometerSession:
    """Protocol state for one host: identify handshake, readings, heartbeats, commands."""

    config: ThermometerConfig
    state: str = DISCONNECTED
    identity: NodeIdentity | None = None
    latest: ThermoReading | None = None
    counters: Counters = field(default_factory=Counters)
    node: NodeStatus = field(default_factory=NodeStatus)
    pending: dict[int, PendingCommand] = field(default_factory=dict)
    calibration_offset_c: float = 0.0

    def __post_init__(self) -> None:
        self.calibration_offset_c = self.config.calibration_offset_c
        self._parser = proto.FrameParser()
        self._parser_rejected_seen = 0
        self._tx_seq = 0
        self._rx_seq: int | None = None
        self._known_boot_id: int | None = None
        self._hello_at = 0.0
        self._heard_at = 0.0

    @property
    def bytes_skipped(self) -> int:
        """Garbage bytes dropped while looking for frames."""
        return self._parser.skipped

    def connected(self, now: float) -> list[bytes]:
        """A port was opened: forget partial input and greet the node."""
        self._parser.reset()
        self._rx_seq = None
        self.state = IDENTIFYING
        self._heard_at = now
        return [self._hello(now)]

    def disconnected(self) -> list[PendingCommand]:
        """The port went away; returns the commands that can no longer be acknowledged."""
        if self.state != DISCONNECTED:
            self.counters.disconnects += 1
        self.state = DISCONNECTED
        return self._fail_all_pending()

    def receive(self, data: bytes, now: float) -> list[bytes]:
        """Feed bytes read from the port; returns frames to send in response."""
        out: list[bytes] = []
        position = 0
        parser = self._parser
        while position < len(data):
            position = parser.feed(data, position, len(data))
            if parser.ready:
                self._handle(parser.seq, parser.msg_type, bytes(parser.payload[:parser.length]),
                             now, out)
        self.counters.frames_rejected += parser.rejected - self._parser_rejected_seen
        self._parser_rejected_seen = parser.rejected
        return out

    def poll(self, now: float) -> list[bytes]:
        """Timers: resend HELLO, notice silence, retransmit or give up on commands."""
        out: list[bytes] = []
        retry_s = MISMATCH_RETRY_S if self.state == PROTOCOL_MISMATCH else \
            self.config.identify_timeout_s
        if self.state in (IDENTIFYING, PROTOCOL_MISMATCH) and now - self._hello_at >= retry_s:
            out.append(self._hello(now))
        elif self.state == READY and now - self._heard_at >= self.config.link_timeout_s:
            self.counters.link_timeouts += 1
            self.state = IDENTIFYING
            out.append(self._hello(now))
        for command in list(self.pending.values()):
            if now - command.sent_at < self.config.ack_timeout_s:
                continue
            if command.attempts >= self.config.command_attempts or self.state != READY:
                self._finish(command, False)
            else:
                command.attempts += 1
                command.sent_at = now
                out.append(command.frame)
        return out

    def command(self, msg_type: int, payload: bytes, now: float) -> PendingCommand | None:
        """A command frame to send and await; None unless the node is identified and ready."""
        if self.state != READY:
            return None
        seq = self._next_seq()
        command = PendingCommand(seq, msg_type, proto.encode(seq, msg_type, payload), now)
        self.pending[seq] = command
        self.counters.commands_sent += 1
        return command

    def link_alive(self, now: float) -> bool:
        """Identified, and heard from within the link timeout."""
        return self.state == READY and now - self._heard_at < self.config.link_timeout_s

    def _next_seq(self) -> int:
        seq = self._tx_seq
        self._tx_seq = (seq + 1) & 0xFF
        return seq

    def _hello(self, now: float) -> bytes:
        self._hello_at = now
        return proto.encode(self._next_seq(), proto.MSG_HELLO,
                            struct.pack(proto.HELLO_FORMAT, proto.PROTOCOL_VERSION))

    def _handle(self, seq: int, msg_type: int, payload: bytes, now: float,
                out: list[bytes]) -> None:
        if msg_type not in NODE_TO_HOST or len(payload) != proto.PAYLOAD_SIZES[msg_type]:
            self.counters.frames_rejected += 1
            return
        self.counters.frames_ok += 1
        previous_seq, self._rx_seq = self._rx_seq, seq
        if msg_type == proto.MSG_IDENTIFY:
            self._on_identify(payload, now, out)
            return
        if self.state != READY or self.identity is None:
            return
        self._heard_at = now
        if msg_type != proto.MSG_ACK:
            boot_id = struct.unpack_from("<I", payload, 0)[0]
            if boot_id != self.identity.boot_id:
                # Frames from a boot we have not been introduced to: the node reset unseen
                # (and numbers its frames afresh, so this is no gap).
                self.counters.resets_seen += 1
                self._known_boot_id = boot_id
                self.state = IDENTIFYING
                out.append(self._hello(now))
                return
        if previous_seq is not None:
            self.counters.frames_missed += (seq - previous_seq - 1) & 0xFF
        if msg_type == proto.MSG_ACK:
            self._on_ack(payload)
        elif msg_type == proto.MSG_HEARTBEAT:
            self._on_heartbeat(payload, now, out)
        elif msg_type == proto.MSG_READING:
            self._on_reading(payload, now)
        elif msg_type == proto.MSG_SENSOR_FAULT:
            _, sensor, fault, _ = struct.unpack(proto.SENSOR_FAULT_FORMAT, payload)
            self.counters.sensor_faults += 1
            self.node.last_fault = FAULT_NAMES.get((sensor, fault), f"fault_{sensor}_{fault}")
            if sensor == proto.SENSOR_THERMOMETER:
                self.node.thermometer_ok = False
            else:
                self.node.proximity_ok = False

    def _on_identify(self, payload: bytes, now: float, out: list[bytes]) -> None:
        major, minor, patch, version, boot_id, serial = proto.unpack_identify(payload)
        self.identity = NodeIdentity(f"{major}.{minor}.{patch}", version, boot_id, serial.hex())
        self._heard_at = now
        if version != proto.PROTOCOL_VERSION:
            if self.state != PROTOCOL_MISMATCH:
                self.counters.protocol_mismatches += 1
            self.state = PROTOCOL_MISMATCH
            self._fail_all_pending()
            return
        if self._known_boot_id is not None and boot_id != self._known_boot_id:
            self.counters.resets_seen += 1
        self._known_boot_id = boot_id
        self.state = READY
        self._send_calibration(now, out)

    def _send_calibration(self, now: float, out: list[bytes]) -> None:
        centi = round(self.calibration_offset_c * 100)
        command = self.command(proto.MSG_SET_CALIBRATION,
                               struct.pack(proto.CALIBRATION_FORMAT, centi), now)
        if command is not None:
            out.append(command.frame)

    def _on_heartbeat(self, payload: bytes, now: float, out: list[bytes]) -> None:
        _, uptime_s, status, _, calibration, rejected = struct.unpack(proto.HEARTBEAT_FORMAT,
                                                                      payload)
        # The node forgot or never got its offset (the command's ACKs were all lost): again.
        calibrating = any(c.msg_type == proto.MSG_SET_CALIBRATION for c in self.pending.values())
        if calibration != round(self.calibration_offset_c * 100) and not calibrating:
            self._send_calibration(now, out)
        self.node.uptime_s = uptime_s
        self.node.frames_rejected = rejected
        self.node.thermometer_ok = bool(status & proto.STATUS_THERMOMETER_OK)
        self.node.proximity_ok = bool(status & proto.STATUS_PROXIMITY_OK)
        self.node.target_present = bool(status & proto.STATUS_TARGET_PRESENT)

    def _on_reading(self, payload: bytes, now: float) -> None:
        boot_id, seq, object_raw, ambient_raw, distance, calibration = struct.unpack(
            proto.READING_FORMAT, payload)
        # The host's offset, not the one the node applied (still kept in the reading): a reading
        # taken before the node got its calibration command must be corrected all the same.
        object_c = (proto.raw_to_centi_c(object_raw) + round(self.calibration_offset_c * 100)) / 100
        ambient_c = proto.raw_to_centi_c(ambient_raw) / 100
        low, high = self.config.plausible_min_c, self.config.plausible_max_c
        if not (low <= object_c <= high and low <= ambient_c <= high):
            self.counters.out_of_range += 1
            self.node.last_fault = "out_of_range"
            return
        # Between heartbeats, a reading is itself news that the sensors work and someone is there.
        self.node.thermometer_ok = self.node.proximity_ok = self.node.target_present = True
        self.counters.readings += 1
        self.latest = ThermoReading(object_c, ambient_c, distance, seq, boot_id,
                                    calibration / 100, now)

    def _on_ack(self, payload: bytes) -> None:
        seq, msg_type, status = struct.unpack(proto.ACK_FORMAT, payload)
        command = self.pending.get(seq)
        if command is None or command.msg_type != msg_type:
            return
        self._finish(command, status == proto.ACK_OK)

    def _finish(self, command: PendingCommand, ok: bool) -> None:
        self.pending.pop(command.seq, None)
        command.result = ok
        if not ok:
            self.counters.commands_failed += 1

    def _fail_all_pending(self) -> list[PendingCommand]:
        failed = list(self.pending.values())
        for command in failed:
            self._finish(command, False)
        return failed
