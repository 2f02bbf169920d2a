"""The thermometer node's main loop: answer the host, range, measure, report, play patterns.

Everything the loop touches is allocated in __init__: frames have fixed sizes per message
type, so each has its own buffer and is written whole, and temperatures stay raw integers.
"""

import struct

import utime
from micropython import const

from firmware import thermo_protocol as proto
from firmware.vl6180x import NO_TARGET

# MicroPython has no typing module; mypy treats TYPE_CHECKING as true whatever its value.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from _mpy_shed.time_mp import _TicksMs as Ticks

FIRMWARE_VERSION = (1, 0, 0)
LOOP_MS = const(5)
# The MLX90614 refreshes its RAM about every 100 ms with its default filters; reading faster
# only repeats values.
SAMPLE_MS = const(100)
HEARTBEAT_MS = const(500)
# A forehead or wrist 15-120 mm away fills the sensor's field of view; nearer, it is all but
# touching the skin, farther, the view takes in the background and reads low.
MIN_DISTANCE_MM = const(15)
MAX_DISTANCE_MM = const(120)
MAX_CALIBRATION_CENTI = const(500)


class ThermometerNode:
    """One node: handed its host port (UART-like: any/readinto/write), sensors and outputs."""

    def __init__(self, port, thermometer, proximity, indicator, watchdog, serial: bytes,
                 boot_id: int, on_maintenance=None) -> None:
        self._port = port
        self._thermometer = thermometer
        self._proximity = proximity
        self._indicator = indicator
        self._watchdog = watchdog
        self._serial = serial
        self._boot_id = boot_id
        self._on_maintenance = on_maintenance
        self._parser = proto.FrameParser()
        self._rx = bytearray(32)
        self._payload = bytearray(proto.MAX_PAYLOAD)
        self._frames = {}
        for msg_type in (proto.MSG_IDENTIFY, proto.MSG_HEARTBEAT, proto.MSG_READING,
                         proto.MSG_SENSOR_FAULT, proto.MSG_ACK):
            size = proto.HEADER_SIZE + proto.PAYLOAD_SIZES[msg_type] + proto.CRC_SIZE
            self._frames[msg_type] = bytearray(size)
        self._tx_seq = 0
        self._reading_seq = 0
        self._fault_count = 0
        self._calibration_centi = 0
        self._status = 0
        self._ranging = False
        now = utime.ticks_ms()
        self._next_sample = now
        self._next_heartbeat = now
        # Uptime in whole seconds plus a millisecond remainder: ticks wrap, and a millisecond
        # count past 2**30 would become a heap-allocated big integer.
        self._uptime_s = 0
        self._uptime_ms = 0
        self._last_tick = now

    def boot(self) -> None:
        """Bring up the proximity sensor and announce this boot to the host."""
        fault = self._proximity.init()
        if fault == 0:
            self._status |= proto.STATUS_PROXIMITY_OK
        else:
            self._send_fault(proto.SENSOR_PROXIMITY, fault)
        self._send_identify()

    def run_forever(self) -> None:
        """The main loop; on hardware it ends only by reset."""
        self.boot()
        while True:
            self.step()
            utime.sleep_ms(LOOP_MS)

    def step(self) -> None:
        """One pass: feed the watchdog, handle host bytes, sample, heartbeat, pattern."""
        now = utime.ticks_ms()
        self._watchdog.feed()
        self._uptime_ms += utime.ticks_diff(now, self._last_tick)
        self._last_tick = now
        if self._uptime_ms >= 1000:
            self._uptime_s += self._uptime_ms // 1000
            self._uptime_ms %= 1000
        self._receive(now)
        if utime.ticks_diff(now, self._next_sample) >= 0:
            self._sample(now)
        if utime.ticks_diff(now, self._next_heartbeat) >= 0:
            self._next_heartbeat = utime.ticks_add(now, HEARTBEAT_MS)
            self._send_heartbeat()
        self._indicator.update(now)

    def _receive(self, now: "Ticks") -> None:
        port = self._port
        parser = self._parser
        while port.any():
            count = port.readinto(self._rx)
            if not count:
                return
            position = 0
            while position < count:
                position = parser.feed(self._rx, position, count)
                if parser.ready:
                    self._handle(parser.seq, parser.msg_type, parser.payload, parser.length,
                                 now)

    def _handle(self, seq: int, msg_type: int, payload: bytearray, length: int,
                now: "Ticks") -> None:
        if msg_type not in proto.PAYLOAD_SIZES or msg_type < 0x80:
            self._send_ack(seq, msg_type, proto.ACK_UNKNOWN_COMMAND)
            return
        if length != proto.PAYLOAD_SIZES[msg_type]:
            self._send_ack(seq, msg_type, proto.ACK_BAD_ARGUMENT)
            return
        if msg_type == proto.MSG_HELLO:
            self._send_identify()
        elif msg_type == proto.MSG_SIGNAL:
            pattern = payload[0]
            if pattern >= proto.PATTERN_COUNT:
                self._send_ack(seq, msg_type, proto.ACK_BAD_ARGUMENT)
                return
            self._indicator.start(pattern, now)
            self._send_ack(seq, msg_type, proto.ACK_OK)
        elif msg_type == proto.MSG_SET_CALIBRATION:
            # Decoded by hand: unpack_from would allocate a tuple.
            offset = payload[0] | (payload[1] << 8)
            if offset & 0x8000:
                offset -= 0x10000
            if offset > MAX_CALIBRATION_CENTI or offset < -MAX_CALIBRATION_CENTI:
                self._send_ack(seq, msg_type, proto.ACK_BAD_ARGUMENT)
                return
            self._calibration_centi = offset
            self._send_ack(seq, msg_type, proto.ACK_OK)
        elif msg_type == proto.MSG_MAINTENANCE:
            self._send_ack(seq, msg_type, proto.ACK_OK)
            if self._on_maintenance is not None:
                self._on_maintenance()

    def _sample(self, now: "Ticks") -> None:
        proximity = self._proximity
        if not self._ranging:
            self._next_sample = utime.ticks_add(now, LOOP_MS)
            if proximity.start() == 0:
                self._ranging = True
            else:
                self._proximity_fault(proto.FAULT_BUS)
            return
        if not proximity.ready():
            self._next_sample = utime.ticks_add(now, LOOP_MS)
            return
        self._ranging = False
        self._next_sample = utime.ticks_add(now, SAMPLE_MS)
        fault = proximity.read()
        if fault:
            self._proximity_fault(fault)
            return
        self._status |= proto.STATUS_PROXIMITY_OK
        distance = proximity.distance_mm
        if distance == NO_TARGET or distance < MIN_DISTANCE_MM or distance > MAX_DISTANCE_MM:
            self._status &= ~proto.STATUS_TARGET_PRESENT
            return
        self._status |= proto.STATUS_TARGET_PRESENT
        fault = self._thermometer.read()
        if fault:
            self._status &= ~proto.STATUS_THERMOMETER_OK
            self._send_fault(proto.SENSOR_THERMOMETER, fault)
            return
        self._status |= proto.STATUS_THERMOMETER_OK
        self._reading_seq += 1
        struct.pack_into(proto.READING_FORMAT, self._payload, 0, self._boot_id,
                         self._reading_seq, self._thermometer.object_raw,
                         self._thermometer.ambient_raw, distance, self._calibration_centi)
        self._send(proto.MSG_READING)

    def _proximity_fault(self, fault: int) -> None:
        self._status &= ~(proto.STATUS_PROXIMITY_OK | proto.STATUS_TARGET_PRESENT)
        self._send_fault(proto.SENSOR_PROXIMITY, fault)

    def _send_identify(self) -> None:
        proto.pack_identify(self._payload, FIRMWARE_VERSION, self._boot_id, self._serial)
        self._send(proto.MSG_IDENTIFY)

    def _send_heartbeat(self) -> None:
        struct.pack_into(proto.HEARTBEAT_FORMAT, self._payload, 0, self._boot_id,
                         self._uptime_s, self._status,
                         self._indicator.pattern, self._calibration_centi,
                         self._parser.rejected & 0xFFFF)
        self._send(proto.MSG_HEARTBEAT)

    def _send_fault(self, sensor: int, fault: int) -> None:
        self._fault_count += 1
        struct.pack_into(proto.SENSOR_FAULT_FORMAT, self._payload, 0, self._boot_id, sensor,
                         fault, self._fault_count)
        self._send(proto.MSG_SENSOR_FAULT)

    def _send_ack(self, seq: int, msg_type: int, status: int) -> None:
        struct.pack_into(proto.ACK_FORMAT, self._payload, 0, seq, msg_type, status)
        self._send(proto.MSG_ACK)

    def _send(self, msg_type: int) -> None:
        frame = self._frames[msg_type]
        proto.encode_into(frame, self._tx_seq, msg_type, self._payload,
                          proto.PAYLOAD_SIZES[msg_type])
        self._tx_seq = (self._tx_seq + 1) & 0xFF
        self._port.write(frame)
