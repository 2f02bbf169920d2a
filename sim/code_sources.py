"""Where a headless kiosk's codes come from: the serial QR reader and the camera.

Both are the kiosk's own drivers (hardware.qr_reader, hardware.camera + hardware.decode) and
call `on_code(text, source, read_at)` from their own thread. The camera (the kiosk's
own capture, hardware.camera) keeps only the newest frame, so a slow decoder never falls
behind the stream; a code is reported once while it stays in view.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

OnCode = Callable[[str, str, float], None]
REPEAT_IGNORED_S = 8.0  # the same code still in view is the same traveller


class ReaderSource:
    """A GM65-style reader module on a serial port, through the kiosk's driver."""

    def __init__(self, port: str, baud: int, on_code: OnCode) -> None:
        from hardware.qr_reader import QrReaderLink

        self.on_code = on_code
        self.link = QrReaderLink(port, name="reader", baud=baud, clock=time.time)

    def start(self) -> None:
        """Open the port (reconnecting if it goes) and deliver codes."""
        self.link.start(self.on_code)

    def stop(self) -> None:
        """Stop and close the port."""
        self.link.stop()


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
        from hardware.live_decode import LiveDecoder

        decoder = LiveDecoder(self.engine)
        seq = 0
        while not self._stop.is_set():
            frame = self.camera.wait_frame(seq, timeout=0.5)
            if frame is None:
                continue
            seq = frame.seq
            for code in decoder.decode(frame.image):
                self.decoded += 1
                if code.text is None:
                    continue
                now = time.time()
                if now - self._seen.get(code.text, -1e9) > REPEAT_IGNORED_S:
                    self._seen[code.text] = now
                    self.on_code(code.text, "camera", now)
