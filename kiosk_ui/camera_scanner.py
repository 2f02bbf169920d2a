"""Camera input: hardware.camera keeps the newest frame, a decode thread turns it into codes.

The same code stays in view for many frames; it is handed on once, and again only after it
has been out of view for `repeat_after_s` (the traveller stepped back and came again).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from hardware.dedup import RepeatFilter
from kiosk_ui.ports import DeviceHealth, OnCode

REPEAT_AFTER_S = 3.0
FIRST_FRAME_WAIT_S = 3.0


class CameraScanner:
    """A CameraInput over hardware.camera.Camera and hardware.live_decode.LiveDecoder."""

    name = "camera"

    def __init__(self, sources: list[str], engine: str = "auto",
                 repeat_after_s: float = REPEAT_AFTER_S,
                 first_frame_wait_s: float = FIRST_FRAME_WAIT_S) -> None:
        self.sources = sources
        self.selected = 0
        self.engine = engine
        self.first_frame_wait_s = first_frame_wait_s
        self._repeats = RepeatFilter(repeat_after_s)
        self._camera: Any = None
        self._on_code: OnCode | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self, on_code: OnCode) -> None:
        """Open the first source and start decoding its frames."""
        self._on_code = on_code
        self._open(self.selected)
        self._thread = threading.Thread(target=self._decode_loop, name="camera-decode",
                                        daemon=True)
        self._thread.start()

    def _open(self, index: int) -> Any:
        from hardware.camera import Camera

        camera = Camera(self.sources[index])
        camera.start()
        with self._lock:
            old, self._camera = self._camera, camera
        if old is not None:
            old.stop()
        return camera

    def select(self, index: int) -> None:
        """Switch source; when the new one gives no frame in time, go back to the old one and
        raise OSError."""
        previous = self.selected
        camera = self._open(index)
        if camera.wait_frame(0, self.first_frame_wait_s) is None:
            why = camera.health().detail or "no picture"
            self._open(previous)
            raise OSError(why)
        self.selected = index

    def _decode_loop(self) -> None:
        from hardware.decode import FrameError
        from hardware.live_decode import LiveDecoder

        decoder = LiveDecoder(self.engine)
        seq = 0
        while not self._stop.is_set():
            with self._lock:
                camera = self._camera
            frame = camera.wait_frame(seq, timeout=0.5) if camera is not None else None
            if frame is None:
                continue
            seq = frame.seq
            try:
                codes = decoder.decode(frame.image)
            except FrameError:
                continue
            decoded_at = time.perf_counter()
            for code in codes:
                if code.text and self._repeats.admit(code.text) and self._on_code:
                    self._on_code(code.text, self.name, decoded_at)

    def stop(self) -> None:
        """Stop decoding and release the camera."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
        with self._lock:
            camera, self._camera = self._camera, None
        if camera is not None:
            camera.stop()

    def health(self) -> DeviceHealth:
        """The capture thread's state and measured fps."""
        with self._lock:
            camera = self._camera
        if camera is None:
            return DeviceHealth("off")
        health = camera.health()
        if health.state == "ok":
            return DeviceHealth("ok", str(camera.source), health.fps)
        return DeviceHealth("down", health.detail or health.state, health.fps)

    def latest_frame(self) -> Any | None:
        """The newest BGR frame."""
        with self._lock:
            camera = self._camera
        frame = camera.latest() if camera is not None else None
        return None if frame is None else frame.image
