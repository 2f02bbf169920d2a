"""Where a headless kiosk's codes come from: the serial QR reader and the camera.

Both call `on_code(text, source, read_at)` from their own thread. The camera (the kiosk's
own capture, hardware.camera) keeps only the newest frame, so a slow decoder never falls
behind the stream; a code is reported once while it stays in view.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import serial

OnCode = Callable[[str, str, float], None]
REPEAT_IGNORED_S = 8.0  # the same code still in view is the same traveller


class ReaderSource:
    """Lines from a GM65-style reader on a serial port (CR/LF terminated UTF-8)."""

    def __init__(self, port: str, baud: int, on_code: OnCode) -> None:
        self.port, self.baud, self.on_code = port, baud, on_code
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="qr-reader")

    def start(self) -> None:
        """Open the port and start reading."""
        self._thread.start()

    def stop(self) -> None:
        """Stop reading and close the port."""
        self._stop.set()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with serial.Serial(self.port, self.baud, timeout=0.2) as port:
                    self._read_lines(port)
            except (serial.SerialException, OSError):
                self._stop.wait(0.5)  # unplugged: try again, as udev would bring it back

    def _read_lines(self, port: serial.Serial) -> None:
        buffer = bytearray()
        while not self._stop.is_set():
            buffer += port.read(max(1, port.in_waiting))
            while (end := _line_end(buffer)) is not None:
                line, rest = bytes(buffer[:end[0]]), buffer[end[1]:]
                buffer = bytearray(rest)
                text = line.decode("utf-8", errors="replace").strip()
                if text:
                    self.on_code(text, "reader", time.time())


def _line_end(buffer: bytearray) -> tuple[int, int] | None:
    for mark in (b"\r\n", b"\n", b"\r"):
        index = buffer.find(mark)
        if index >= 0:
            return index, index + len(mark)
    return None


class CameraSource:
    """Frames from a camera URL (MJPEG over HTTP) through hardware.camera, newest first."""

    def __init__(self, url: str, engine: str, on_code: OnCode) -> None:
        from hardware.camera import Camera

        self.url, self.engine, self.on_code = url, engine, on_code
        self.camera = Camera(url, clock=time.time)
        self._stop = threading.Event()
        self._seen: dict[str, float] = {}
        self.decoded = 0
        self._thread = threading.Thread(target=self._decode, daemon=True, name="decode")

    def start(self) -> None:
        """Start capturing and decoding."""
        self.camera.start()
        self._thread.start()

    def stop(self) -> None:
        """Stop decoding and capture."""
        self._stop.set()
        self._thread.join(timeout=2)
        self.camera.stop()

    def _decode(self) -> None:
        from hardware.decode import decode_frame

        seq = 0
        while not self._stop.is_set():
            frame = self.camera.wait_frame(seq, timeout=0.5)
            if frame is None:
                continue
            seq = frame.seq
            for code in decode_frame(frame.image, self.engine):
                self.decoded += 1
                if code.text is None:
                    continue
                now = time.time()
                if now - self._seen.get(code.text, -1e9) > REPEAT_IGNORED_S:
                    self._seen[code.text] = now
                    self.on_code(code.text, "camera", now)
