"""Serial QR reader modules (GM65/GM861 family): codes out, commands in, heartbeat for health.

`QrReader` is handed an open serial port (pyserial or anything with `read`/`write`/`close`)
and its clock; `poll()` returns the code texts that arrived. `QrReaderLink` owns the port: it
opens it by path or pyserial URL (9600 8N1 by default), sets the read mode, delivers codes from
its own thread, and reopens the port with backoff when it is unplugged.
"""

from __future__ import annotations

import codecs
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import serial

from hardware.decode_text import is_printable_text
from hardware.qr_reader_protocol import (
    DEFAULT_TERMINATORS,
    MODES,
    ZONE_SETTINGS,
    ZONE_TRIGGER,
    CodeLine,
    Garbage,
    ReaderStream,
    Reply,
    read_zone,
    with_mode,
    write_zone,
)
from infra.backoff import Backoff

_log = logging.getLogger(__name__)
Clock = Callable[[], float]
ReaderState = Literal["connecting", "ok", "down", "stopped"]
OnCode = Callable[[str, str, float], None]
DEFAULT_BAUD = 9600
# A heartbeat is a zone read; two unanswered in a row mean the module is gone or mute.
MISSED_HEARTBEATS_DOWN = 2


class SerialPort(Protocol):
    """What the driver needs of a serial port (pyserial's Serial fits)."""

    def read(self, size: int = 1) -> bytes: ...
    @property
    def in_waiting(self) -> int: ...
    def write(self, data: bytes, /) -> int | None: ...
    def close(self) -> None: ...


class ReaderDisconnected(OSError):
    """The serial port failed (unplugged, closed); the link reopens it."""


@dataclass(frozen=True)
class ReaderHealth:
    """The reader's state for the status bar, with counters for the logs."""

    state: ReaderState
    detail: str
    codes: int
    garbage: int
    last_heard_s_ago: float | None


class QrReader:
    """Driver for one module on an open port; use from a single thread.

    `encoding` is how the module's output bytes become text (set the module to UTF-8 output,
    or name its charset here). Lines that do not decode, or carry control characters, are
    counted as garbage and never delivered.
    """

    def __init__(self, port: SerialPort, *, clock: Clock = time.monotonic,
                 encoding: str = "utf-8", terminators: bytes = DEFAULT_TERMINATORS,
                 heartbeat_s: float = 2.0, reply_timeout_s: float = 0.5,
                 line_gap_s: float = 0.3) -> None:
        codecs.lookup(encoding)  # an unknown encoding is a config error: LookupError now
        self._port = port
        self._clock = clock
        self._encoding = encoding
        self._stream = ReaderStream(terminators, line_gap_s=line_gap_s)
        self._heartbeat_s = heartbeat_s
        self._reply_timeout_s = reply_timeout_s
        self._queued: list[str] = []
        self._replies: list[Reply] = []
        self._heartbeat_due = clock()
        self._heartbeat_deadline: float | None = None
        self._missed = 0
        self.codes = 0
        self.garbage = 0
        self.last_garbage_reason = ""
        self.last_heard: float | None = None

    def poll(self, timeout: float = 0.1) -> list[str]:
        """Code texts received within about `timeout` seconds (also runs the heartbeat)."""
        deadline = self._clock() + timeout
        self._heartbeat()
        while True:
            self._receive()
            if self._queued or self._clock() >= deadline:
                break
        codes, self._queued = self._queued, []
        return codes

    def command(self, frame: bytes) -> Reply | None:
        """Send one command frame and wait for its reply; None if the module did not answer."""
        # Replies carry no command id: let an outstanding heartbeat be answered first.
        while self._heartbeat_deadline is not None and self._clock() < self._heartbeat_deadline:
            self._receive()
        if self._heartbeat_deadline is not None:
            self._heartbeat_deadline = None
            self._missed += 1
        self._replies.clear()
        self._write(frame)
        deadline = self._clock() + self._reply_timeout_s
        while not self._replies and self._clock() < deadline:
            self._receive()
        return self._replies.pop(0) if self._replies else None

    def set_mode(self, mode: str) -> bool:
        """Switch read mode (manual, command, continuous, induction); True once acknowledged."""
        if mode not in MODES:
            raise ValueError(f"unknown reader mode {mode!r}; choose from {sorted(MODES)}")
        current = self.command(read_zone(ZONE_SETTINGS))
        if current is None or current.status != 0 or not current.data:
            return False
        ack = self.command(write_zone(ZONE_SETTINGS, bytes([with_mode(current.data[0], mode)])))
        return ack is not None and ack.status == 0

    def trigger(self) -> bool:
        """Start one scan (command mode); True once the module acknowledged."""
        ack = self.command(write_zone(ZONE_TRIGGER, b"\x01"))
        return ack is not None and ack.status == 0

    def responsive(self) -> bool:
        """False once the module missed consecutive heartbeats and sent nothing since."""
        return self._missed < MISSED_HEARTBEATS_DOWN

    def _heartbeat(self) -> None:
        now = self._clock()
        if self._heartbeat_deadline is not None and now >= self._heartbeat_deadline:
            self._heartbeat_deadline = None
            self._missed += 1
        idle = self._heartbeat_deadline is None
        if self._heartbeat_s > 0 and idle and now >= self._heartbeat_due:
            self._write(read_zone(ZONE_SETTINGS))
            self._heartbeat_deadline = now + self._reply_timeout_s
            self._heartbeat_due = now + self._heartbeat_s

    def _receive(self) -> None:
        try:
            # Take what has arrived at once; a fixed-size read would wait out the port's
            # timeout after every code and add ~50 ms to each scan.
            data = self._port.read(max(1, self._port.in_waiting))
        except (serial.SerialException, OSError, TypeError, AttributeError) as exc:
            # pyserial raises TypeError/AttributeError when the port was closed under it.
            raise ReaderDisconnected(f"serial port failed: {exc}") from exc
        now = self._clock()
        items = self._stream.feed(data, now) if data else self._stream.expire(now)
        if data:
            self.last_heard = now
            self._missed = 0
        for item in items:
            if isinstance(item, Reply):
                if self._heartbeat_deadline is not None:
                    self._heartbeat_deadline = None  # the heartbeat's answer
                else:
                    self._replies.append(item)
            elif isinstance(item, CodeLine):
                self._take_line(item.payload)
            else:
                self._count_garbage(item)

    def _take_line(self, payload: bytes) -> None:
        try:
            text = payload.decode(self._encoding)
        except UnicodeDecodeError:
            self._count_garbage(Garbage(payload, "undecodable"))
            return
        if not is_printable_text(text):
            self._count_garbage(Garbage(payload, "control_characters"))
            return
        self.codes += 1
        self._queued.append(text)

    def _count_garbage(self, item: Garbage) -> None:
        self.garbage += 1
        self.last_garbage_reason = item.reason

    def _write(self, frame: bytes) -> None:
        try:
            self._port.write(frame)
        except (serial.SerialException, OSError, TypeError, AttributeError) as exc:
            raise ReaderDisconnected(f"serial port failed: {exc}") from exc


def open_serial(url: str, baud: int = DEFAULT_BAUD) -> SerialPort:
    """Open a device path or pyserial URL at `baud` 8N1 with a short read timeout."""
    port: Any = serial.serial_for_url(url, baudrate=baud, bytesize=serial.EIGHTBITS,
                                      parity=serial.PARITY_NONE, stopbits=serial.STOPBITS_ONE,
                                      timeout=0.05, write_timeout=1.0)
    return port


class QrReaderLink:
    """A reader module on a serial port, delivering codes from its own thread.

    Fits the kiosk's code-input shape: `start(on_code)`, `stop()`, `health()`, plus `trigger()`
    for command mode. `on_code(text, name, clock())` is called from the link's thread.
    """

    def __init__(self, url: str, *, name: str = "reader", baud: int = DEFAULT_BAUD,
                 mode: str | None = "continuous", encoding: str = "utf-8",
                 clock: Clock = time.monotonic,
                 opener: Callable[[str, int], SerialPort] = open_serial,
                 heartbeat_s: float = 2.0, min_backoff_s: float = 0.2,
                 max_backoff_s: float = 5.0) -> None:
        if mode is not None and mode not in MODES:
            raise ValueError(f"unknown reader mode {mode!r}; choose from {sorted(MODES)}")
        codecs.lookup(encoding)
        self.name = name
        self.url = url
        self._baud = baud
        self._mode = mode
        self._encoding = encoding
        self._clock = clock
        self._opener = opener
        self._heartbeat_s = heartbeat_s
        self._min_backoff_s = min_backoff_s
        self._max_backoff_s = max_backoff_s
        self._stop = threading.Event()
        self._trigger = threading.Event()
        self._lock = threading.Lock()
        self._state: ReaderState = "stopped"
        self._detail = ""
        self._reader: QrReader | None = None
        self._codes = 0
        self._garbage = 0
        self.reconnects = 0
        self._thread: threading.Thread | None = None

    def start(self, on_code: OnCode) -> None:
        """Open the port and deliver codes to `on_code` from the link's thread."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._set("connecting", f"opening {self.url}")
        self._thread = threading.Thread(target=self._run, args=(on_code,), daemon=True,
                                        name=f"qr-reader-{self.name}")
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        """Stop delivering codes and close the port."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._set("stopped", "")

    def trigger(self) -> None:
        """Ask for one scan (command mode); sent by the link's thread at its next poll."""
        self._trigger.set()

    def health(self) -> ReaderHealth:
        """Current state and counters; never blocks on the port."""
        with self._lock:
            state, detail, reader = self._state, self._detail, self._reader
            codes, garbage = self._codes, self._garbage
        heard = None
        if reader is not None:
            codes += reader.codes
            garbage += reader.garbage
            if reader.last_heard is not None:
                heard = round(self._clock() - reader.last_heard, 3)
            if state == "ok" and not reader.responsive():
                state, detail = "down", "reader not answering / đầu đọc không phản hồi"
            elif state == "ok" and reader.garbage:
                detail = f"{reader.garbage} garbled ({reader.last_garbage_reason})"
        return ReaderHealth(state, detail, codes, garbage, heard)

    def _run(self, on_code: OnCode) -> None:
        backoff = Backoff(self._min_backoff_s, self._max_backoff_s, jitter=False)
        while not self._stop.is_set():
            try:
                port = self._opener(self.url, self._baud)
            except (serial.SerialException, OSError, ValueError) as exc:
                self._set("down", f"cannot open {self.url}: {exc}")
            else:
                backoff.reset()
                self._serve(port, on_code)
            if self._stop.is_set():
                break
            self._stop.wait(backoff.next_delay())
            self.reconnects += 1

    def _serve(self, port: SerialPort, on_code: OnCode) -> None:
        reader = QrReader(port, clock=self._clock, encoding=self._encoding,
                          heartbeat_s=self._heartbeat_s)
        with self._lock:
            self._reader = reader
        try:
            detail = ""
            if self._mode is not None and not reader.set_mode(self._mode):
                detail = f"mode {self._mode} not confirmed by the reader"
            self._set("ok", detail)
            while not self._stop.is_set():
                if self._trigger.is_set():
                    self._trigger.clear()
                    reader.trigger()
                for text in reader.poll(0.1):
                    self._deliver(on_code, text)
        except ReaderDisconnected as exc:
            self._set("down", str(exc))
        finally:
            with self._lock:
                self._codes += reader.codes
                self._garbage += reader.garbage
                self._reader = None
            with contextlib.suppress(serial.SerialException, OSError):
                port.close()

    def _deliver(self, on_code: OnCode, text: str) -> None:
        try:
            on_code(text, self.name, self._clock())
        except Exception:
            # The receiver's bug must not silence the reader: log it, keep reading.
            _log.exception("on_code failed for a code from %s", self.url)

    def _set(self, state: ReaderState, detail: str) -> None:
        with self._lock:
            self._state, self._detail = state, detail
