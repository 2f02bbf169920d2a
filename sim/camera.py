"""The virtual camera: travellers' codes rendered at 30 fps, in process or as MJPEG on loopback.

`VirtualCamera` keeps a queue of presentations (one traveller at a time, as at a real kiosk)
and renders the frame for any moment. `MjpegServer` serves it as `multipart/x-mixed-replace`
over HTTP, the stream IP cameras give, so a kiosk reads it through its real OpenCV URL capture.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cv2
import numpy as np

from sim.render import Look, Motion, SceneRenderer, code_card

BOUNDARY = "chotframe"


@dataclass(frozen=True)
class Presentation:
    """One code held up to the camera, from `start` (wall-clock seconds) on."""

    text: str
    card: np.ndarray
    look: Look
    motion: Motion
    start: float

    @property
    def steady_at(self) -> float:
        """Wall-clock time when the code stops moving in view."""
        return self.start + self.motion.steady_after_s

    @property
    def end(self) -> float:
        """Wall-clock time when it has left the view."""
        return self.start + self.motion.total_s


class VirtualCamera:
    """A kiosk camera's scene: presentations queue up and are rendered for any moment."""

    def __init__(self, width: int = 1280, height: int = 720, fps: float = 30.0, seed: int = 0,
                 harsh: bool = True, clock: Callable[[], float] = time.time) -> None:
        self.width, self.height, self.fps = width, height, fps
        self.harsh = harsh
        self._renderer = SceneRenderer(width, height, seed)
        self._rng = random.Random(seed)
        self._clock = clock
        self._queue: deque[Presentation] = deque()
        self._lock = threading.Lock()

    def present(self, text: str, on_paper: bool = False, motion: Motion | None = None,
                look: Look | None = None) -> Presentation:
        """Queue a code after whatever is in view now; returns it with its timing."""
        with self._lock:
            now = self._clock()
            start = max([now] + [p.end for p in self._queue])
            presentation = Presentation(
                text, code_card(text, on_paper),
                look or Look.random(self._rng, on_paper, self.harsh), motion or Motion(), start)
            self._queue.append(presentation)
            return presentation

    def busy_until(self) -> float:
        """Wall-clock time when the last queued presentation has left the view."""
        with self._lock:
            return max([self._clock()] + [p.end for p in self._queue])

    def frame_at(self, moment: float) -> np.ndarray:
        """The BGR frame the camera sees at wall-clock time `moment`."""
        with self._lock:
            while self._queue and self._queue[0].end < moment:
                self._queue.popleft()
            current = self._queue[0] if self._queue and self._queue[0].start <= moment else None
        if current is None:
            return self._renderer.empty()
        return self._renderer.render(current.card, current.look, current.motion,
                                     moment - current.start)

    def read(self) -> tuple[bool, np.ndarray]:
        """The frame for now, shaped like `cv2.VideoCapture.read()`: the in-process source."""
        return True, self.frame_at(self._clock())


class MjpegServer:
    """Serves a virtual camera as an MJPEG stream at http://127.0.0.1:PORT/stream.mjpg."""

    def __init__(self, camera: VirtualCamera, host: str = "127.0.0.1", port: int = 0,
                 quality: int = 85) -> None:
        self.camera, self.quality = camera, quality
        self._frame = b""
        self._frame_no = 0
        self._new_frame = threading.Condition()
        self._stop = threading.Event()
        self.frames_rendered = 0
        self._http = ThreadingHTTPServer((host, port), _handler_for(self))
        self._http.daemon_threads = True
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        """Where the stream is served."""
        host, port = self._http.server_address[:2]
        return f"http://{host!s}:{port}/stream.mjpg"

    def start(self) -> MjpegServer:
        """Start rendering and serving in background threads."""
        for target in (self._render_loop, self._http.serve_forever):
            thread = threading.Thread(target=target, daemon=True, name="sim-camera")
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop serving; clients see the stream end."""
        self._stop.set()
        with self._new_frame:
            self._new_frame.notify_all()
        self._http.shutdown()
        self._http.server_close()

    def next_frame(self, after: int, timeout: float = 1.0) -> tuple[int, bytes]:
        """The JPEG of the first frame numbered above `after` (waits for it)."""
        with self._new_frame:
            self._new_frame.wait_for(lambda: self._frame_no > after or self._stop.is_set(),
                                     timeout)
            return self._frame_no, self._frame

    @property
    def stopped(self) -> bool:
        """True once stop() was called."""
        return self._stop.is_set()

    def _render_loop(self) -> None:
        period = 1.0 / self.camera.fps
        next_at = time.monotonic()
        params = [cv2.IMWRITE_JPEG_QUALITY, self.quality]
        while not self._stop.is_set():
            frame = self.camera.frame_at(time.time())
            ok, jpeg = cv2.imencode(".jpg", frame, params)
            if ok:
                with self._new_frame:
                    self._frame, self._frame_no = jpeg.tobytes(), self._frame_no + 1
                    self._new_frame.notify_all()
                self.frames_rendered += 1
            next_at += period
            # A late frame is skipped rather than rendered late: a camera does not queue up.
            delay = next_at - time.monotonic()
            if delay < 0:
                next_at = time.monotonic()
            else:
                self._stop.wait(delay)


def _handler_for(server: MjpegServer) -> type[BaseHTTPRequestHandler]:
    class StreamHandler(BaseHTTPRequestHandler):
        """Answers /stream.mjpg with the live stream and /snapshot.jpg with one frame."""

        def do_GET(self) -> None:  # noqa: N802 (the http.server API)
            if self.path.startswith("/snapshot"):
                _, jpeg = server.next_frame(0)
                self._headers("image/jpeg", len(jpeg))
                self.wfile.write(jpeg)
                return
            if not self.path.startswith("/stream"):
                self.send_error(404, "try /stream.mjpg")
                return
            self._headers(f"multipart/x-mixed-replace; boundary={BOUNDARY}")
            seen = 0
            try:
                while not server.stopped:
                    seen, jpeg = server.next_frame(seen)
                    if not jpeg:
                        continue
                    self.wfile.write(f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
                                     f"Content-Length: {len(jpeg)}\r\n\r\n".encode("ascii"))
                    self.wfile.write(jpeg + b"\r\n")
            except (BrokenPipeError, ConnectionResetError):
                return

        def _headers(self, content_type: str, length: int | None = None) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Cache-Control", "no-cache")
            if length is not None:
                self.send_header("Content-Length", str(length))
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: one line per request would flood the runner's output."""

    return StreamHandler
