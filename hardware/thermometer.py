"""ThermometerLink: the kiosk's handle on the thermometer node.

Usage:
    link = ThermometerLink(ThermometerConfig(port="/dev/ttyACM0"))  # port=None: by USB id
    link.start()                     # background thread; reconnects by itself
    scan_started = link.now()
    reading = link.fresh_reading(since=scan_started)  # this traveller's, not stale, or None
    reading = link.latest()          # newest ThermoReading with age_s and stale, or None
    link.signal(SignalPattern.GREEN) # LED and buzzer: GREEN pass, AMBER check, RED stop
    link.health()                    # ThermometerHealth: connected, counters, identity
    link.stop()

Nothing here raises for device trouble: an unplugged, silent, resetting or garbling node
shows up in health() and as missing or stale readings, and never blocks the caller.
"""

from __future__ import annotations

import contextlib
import logging
import struct
import termios
import threading
import time
from collections.abc import Callable
from dataclasses import replace

import serial

from firmware import thermo_protocol as proto
from hardware.thermometer_port import find_node_port, open_port
from hardware.thermometer_session import DISCONNECTED, PendingCommand, ThermometerSession
from hardware.thermometer_types import (
    SignalPattern,
    ThermometerConfig,
    ThermometerHealth,
    ThermoReading,
)
from infra.backoff import Backoff

PortOpener = Callable[[str, int], serial.SerialBase]
logger = logging.getLogger(__name__)


class ThermometerLink:
    """Owns the serial port in a background thread; every public method is thread-safe."""

    def __init__(self, config: ThermometerConfig, clock: Callable[[], float] = time.monotonic,
                 opener: PortOpener = open_port) -> None:
        self.config = config
        self._clock = clock
        self._opener = opener
        self._session = ThermometerSession(config)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._outbox: list[bytes] = []
        self._port: serial.SerialBase | None = None
        self._port_name: str | None = None
        self._port_error: str | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._backoff = Backoff(config.reconnect_interval_s,
                                max(config.reconnect_interval_s, config.reconnect_max_s),
                                jitter=False)

    def start(self) -> ThermometerLink:
        """Start the background thread (connects, and reconnects after unplugs)."""
        if self._thread is None:
            self._stopping.clear()
            self._thread = threading.Thread(target=self._run, name="thermometer-link",
                                            daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread and close the port."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._close()
        with self._lock:
            self._session.state = DISCONNECTED

    def __enter__(self) -> ThermometerLink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def latest(self) -> ThermoReading | None:
        """The newest plausible reading with its age and staleness, or None if none yet."""
        with self._lock:
            reading = self._session.latest
        if reading is None:
            return None
        age = max(0.0, self._clock() - reading.received_at)
        return replace(reading, age_s=age, stale=age > self.config.stale_after_s)

    def fresh_reading(self, since: float | None = None) -> ThermoReading | None:
        """The newest reading if it is not stale and, with since (a time from the link's
        clock, such as when a scan began), taken after it: what a screening decision may use,
        never the previous traveller's forehead."""
        reading = self.latest()
        if reading is None or reading.stale:
            return None
        if since is not None and reading.received_at < since:
            return None
        return reading

    def now(self) -> float:
        """The link's clock, for fresh_reading(since=...)."""
        return self._clock()

    def wait_reading(self, after: ThermoReading | None = None,
                     timeout_s: float = 1.0) -> ThermoReading | None:
        """Block up to timeout_s for a reading other than `after`; None if none came."""
        deadline = self._clock() + timeout_s
        with self._changed:
            while True:
                reading = self._session.latest
                if reading is not None and (after is None or (reading.boot_id, reading.seq)
                                            != (after.boot_id, after.seq)):
                    break
                remaining = deadline - self._clock()
                if remaining <= 0:
                    return None
                self._changed.wait(min(remaining, 0.1))
        return self.latest()

    def wait_ready(self, timeout_s: float = 3.0) -> bool:
        """Block up to timeout_s until the node has identified itself on a matching protocol."""
        deadline = self._clock() + timeout_s
        with self._changed:
            while not self._session.link_alive(self._clock()):
                remaining = deadline - self._clock()
                if remaining <= 0:
                    return False
                self._changed.wait(min(remaining, 0.1))
        return True

    def signal(self, pattern: SignalPattern | str, wait_s: float = 0.0) -> bool:
        """Play a LED/buzzer pattern ("green", "amber", "red", "off"); with wait_s, wait for
        the node's acknowledgement. False when the node is not ready or did not acknowledge."""
        if isinstance(pattern, str):
            try:
                pattern = SignalPattern[pattern.upper()]
            except KeyError:
                raise ValueError(f"unknown pattern {pattern!r}: use green, amber, red or off"
                                 ) from None
        return self._command(proto.MSG_SIGNAL, struct.pack(proto.SIGNAL_FORMAT, pattern), wait_s)

    def set_calibration_offset(self, offset_c: float, wait_s: float = 0.0) -> bool:
        """Set the offset added to object temperatures (kept across node resets)."""
        if not -5.0 <= offset_c <= 5.0:
            raise ValueError("calibration offset must be within ±5 °C")
        with self._lock:
            self._session.calibration_offset_c = offset_c
        payload = struct.pack(proto.CALIBRATION_FORMAT, round(offset_c * 100))
        return self._command(proto.MSG_SET_CALIBRATION, payload, wait_s)

    def health(self) -> ThermometerHealth:
        """Link state and counters for the staff screen and the center."""
        now = self._clock()
        with self._lock:
            session = self._session
            counters = session.counters
            latest = session.latest
            return ThermometerHealth(
                state=session.state,
                connected=session.link_alive(now),
                port=self._port_name,
                identity=session.identity,
                last_reading_age_s=None if latest is None else now - latest.received_at,
                thermometer_ok=session.node.thermometer_ok,
                proximity_ok=session.node.proximity_ok,
                target_present=session.node.target_present,
                last_fault=session.node.last_fault,
                node_uptime_s=session.node.uptime_s,
                node_frames_rejected=session.node.frames_rejected,
                readings=counters.readings,
                resets_seen=counters.resets_seen,
                disconnects=counters.disconnects,
                link_timeouts=counters.link_timeouts,
                frames_ok=counters.frames_ok,
                frames_rejected=counters.frames_rejected,
                frames_missed=counters.frames_missed,
                bytes_skipped=session.bytes_skipped,
                sensor_faults=counters.sensor_faults,
                out_of_range=counters.out_of_range,
                commands_sent=counters.commands_sent,
                commands_failed=counters.commands_failed,
                protocol_mismatches=counters.protocol_mismatches,
                port_error=self._port_error,
            )

    def _command(self, msg_type: int, payload: bytes, wait_s: float) -> bool:
        with self._lock:
            command = self._session.command(msg_type, payload, self._clock())
        if command is None:
            return False
        with self._lock:
            # The link thread writes it: a caller never waits on a port that stopped draining.
            self._outbox.append(command.frame)
        if wait_s <= 0:
            return True
        return self._wait_command(command, wait_s)

    def _wait_command(self, command: PendingCommand, wait_s: float) -> bool:
        deadline = self._clock() + wait_s
        with self._changed:
            while command.result is None:
                remaining = deadline - self._clock()
                if remaining <= 0:
                    return False
                self._changed.wait(min(remaining, 0.05))
        return bool(command.result)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._step()
            except Exception:
                # Pyserial lets some termios errors through unwrapped. Whatever it was, this
                # thread is the kiosk's only line to the node: log, start over, never die.
                logger.exception("thermometer link: unexpected error, reconnecting")
                self._drop()
                self._stopping.wait(self._backoff.next_delay())

    def _step(self) -> None:
        port = self._port
        if port is None:
            if self._connect():
                self._backoff.reset()
            else:
                self._stopping.wait(self._backoff.next_delay())
            return
        try:
            data = port.read(port.in_waiting or 1)
        except (serial.SerialException, OSError):
            self._drop()
            return
        now = self._clock()
        with self._changed:
            out = self._session.receive(data, now) if data else []
            out += self._session.poll(now)
            out += self._outbox
            self._outbox.clear()
            self._changed.notify_all()
        if out:
            self._send(port, out)

    def _connect(self) -> bool:
        name = self.config.port or find_node_port(self.config.usb_vid, self.config.usb_pid)
        if name is None:
            self._port_error = "no serial port with the node's USB id"
            return False
        try:
            port = self._opener(name, self.config.baudrate)
        except (serial.SerialException, OSError, ValueError) as exc:
            if str(exc) != self._port_error:
                logger.info("thermometer link: cannot open %s: %s", name, exc)
            self._port_error = str(exc)
            return False
        self._port_error = None
        with self._changed:
            # Published before anything else can fail, so _drop() closes it and its lock.
            self._port = port
            self._port_name = name
        try:
            # Whatever the node said while nobody listened is old news.
            port.reset_input_buffer()
        except (serial.SerialException, OSError, termios.error):
            self._drop()
            return False
        with self._changed:
            out = self._session.connected(self._clock())
            self._outbox.clear()
            self._changed.notify_all()
        self._send(port, out)
        return True

    def _send(self, port: serial.SerialBase, frames: list[bytes]) -> None:
        try:
            port.write(b"".join(frames))
        except (serial.SerialException, OSError):
            # The reader thread notices the dead port on its next read and reconnects.
            return

    def _drop(self) -> None:
        self._close()
        with self._changed:
            self._session.disconnected()
            self._changed.notify_all()

    def _close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            with contextlib.suppress(serial.SerialException, OSError):
                port.close()
