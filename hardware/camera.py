"""Camera capture: a thread that keeps only the newest frame, reconnecting when the source drops.

A source is a device index (`0`, `"/dev/video0"` style paths work too), a video file, or a URL
(MJPEG over HTTP, RTSP). Decoding never waits on the camera and never sees a stale queue: the
capture thread overwrites one slot, and readers take the newest frame when they are ready.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

import cv2
import numpy as np

from infra.backoff import Backoff

CameraState = Literal["starting", "ok", "down", "ended", "stopped"]
Clock = Callable[[], float]
# OpenCV's FFmpeg backend waits 30 s by default on a dead network stream; a kiosk must notice
# a camera that vanished within a few seconds.
NETWORK_TIMEOUT_MS = 3000
_FPS_WINDOW = 30


class Capture(Protocol):
    """The part of cv2.VideoCapture the camera thread uses."""

    def isOpened(self) -> bool: ...  # noqa: N802 - OpenCV's name
    def read(self) -> tuple[bool, np.ndarray | None]: ...
    def get(self, prop: int) -> float: ...
    def release(self) -> None: ...


@dataclass(frozen=True)
class Frame:
    """One captured frame: BGR pixels, its sequence number and capture time (camera clock)."""

    image: np.ndarray
    seq: int
    captured_at: float


@dataclass(frozen=True)
class CameraHealth:
    """What the status bar shows: state, why, measured fps, frame count and reconnects."""

    state: CameraState
    detail: str
    fps: float
    frames: int
    reconnects: int
    last_frame_age_s: float | None


def parse_source(source: int | str) -> int | str:
    """A device index for "0".."9"-style strings or ints, else the path or URL unchanged."""
    if isinstance(source, int):
        return source
    text = source.strip()
    return int(text) if text.isdigit() else text


def is_network_source(source: int | str) -> bool:
    """True for URLs (http, https, rtsp, rtmp, tcp, udp): they may drop and come back."""
    return isinstance(source, str) and "://" in source


def is_video_file(source: int | str) -> bool:
    """True for a recorded video (played at its own rate, it ends); False for live sources."""
    return (isinstance(source, str) and not is_network_source(source)
            and not source.startswith("/dev/"))


def open_capture(source: int | str) -> Capture:
    """Open the source with OpenCV; network sources get short open/read timeouts."""
    if is_network_source(source):
        params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, NETWORK_TIMEOUT_MS,
                  cv2.CAP_PROP_READ_TIMEOUT_MSEC, NETWORK_TIMEOUT_MS]
        return cv2.VideoCapture(source, cv2.CAP_FFMPEG, params)
    return cv2.VideoCapture(source)


class Camera:
    """A capture thread over one source that keeps only the newest frame.

    `start()` returns at once; `latest()` and `wait_frame()` give the newest frame, `health()`
    the state. When the source fails the thread retries with exponential backoff (up to
    `max_backoff_s`) until `stop()`. A video file ends (state "ended") unless `loop` is set;
    it is paced at its own frame rate, as a camera would deliver it.
    """

    def __init__(self, source: int | str, *, clock: Clock = time.monotonic,
                 opener: Callable[[int | str], Capture] = open_capture, loop: bool = False,
                 stale_after_s: float = 2.0, min_backoff_s: float = 0.2,
                 max_backoff_s: float = 5.0) -> None:
        self.source = parse_source(source)
        self._clock = clock
        self._opener = opener
        self._loop = loop
        self._stale_after_s = stale_after_s
        self._min_backoff_s = min_backoff_s
        self._max_backoff_s = max_backoff_s
        self._is_file = is_video_file(self.source)
        self._stop = threading.Event()
        self._fresh = threading.Condition()
        self._frame: Frame | None = None
        self._frames = 0
        self._reconnects = 0
        self._state: CameraState = "stopped"
        self._detail = ""
        self._arrivals: deque[float] = deque(maxlen=_FPS_WINDOW)
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the capture thread (idempotent)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._set_state("starting", f"opening {self.source}")
        self._thread = threading.Thread(target=self._run, name=f"camera-{self.source}",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread and release the device; returns within about `timeout` seconds."""
        self._stop.set()
        with self._fresh:
            self._fresh.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
        self._set_state("stopped", "")

    def __enter__(self) -> Camera:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def latest(self) -> Frame | None:
        """The newest frame, or None before the first one."""
        with self._fresh:
            return self._frame

    def wait_frame(self, after_seq: int = 0, timeout: float = 1.0) -> Frame | None:
        """The newest frame with seq > after_seq, waiting up to timeout; None if none came."""
        with self._fresh:
            self._fresh.wait_for(
                lambda: (self._frame is not None and self._frame.seq > after_seq)
                or self._stop.is_set(), timeout)
            frame = self._frame
        return frame if frame is not None and frame.seq > after_seq else None

    def health(self) -> CameraHealth:
        """State, reason, fps over the last frames, counters; never blocks on the device."""
        now = self._clock()
        with self._fresh:
            state, detail = self._state, self._detail
            frame, frames, reconnects = self._frame, self._frames, self._reconnects
            arrivals = list(self._arrivals)
        age = now - frame.captured_at if frame is not None else None
        if state == "ok" and age is not None and age > self._stale_after_s:
            state, detail = "down", f"no frame for {age:.1f} s"
        fps = 0.0
        if len(arrivals) >= 2 and arrivals[-1] > arrivals[0]:
            fps = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
        return CameraHealth(state, detail, round(fps, 1), frames, reconnects,
                            None if age is None else round(age, 3))

    def _run(self) -> None:
        backoff = Backoff(self._min_backoff_s, self._max_backoff_s, jitter=False)
        while not self._stop.is_set():
            delivered = self._capture_until_failure()
            if self._stop.is_set():
                break
            if self._is_file and delivered:
                if not self._loop:
                    self._set_state("ended", f"end of {self.source}")
                    return
                continue
            if delivered:
                backoff.reset()
            self._stop.wait(backoff.next_delay())
            with self._fresh:
                self._reconnects += 1

    def _capture_until_failure(self) -> bool:
        """Read frames until the source fails; True if any frame was delivered."""
        try:
            capture = self._opener(self.source)
        except Exception as exc:  # noqa: BLE001 - any backend failure is a camera outage
            self._set_state("down", f"cannot open {self.source}: {exc}")
            return False
        delivered = False
        try:
            if not capture.isOpened():
                self._set_state("down", f"cannot open {self.source}")
                return False
            period = self._file_period(capture)
            next_due = self._clock()
            while not self._stop.is_set():
                ok, image = capture.read()
                if not ok or image is None or image.size == 0:
                    if not (self._is_file and delivered):
                        self._set_state("down", f"{self.source} stopped sending frames")
                    return delivered
                delivered = True
                self._publish(image)
                if period:
                    next_due += period
                    self._stop.wait(max(0.0, next_due - self._clock()))
            return delivered
        except Exception as exc:  # noqa: BLE001 - a backend failure is an outage, not a crash
            self._set_state("down", f"{self.source}: {exc}")
            return delivered
        finally:
            capture.release()

    def _file_period(self, capture: Capture) -> float:
        if not self._is_file:
            return 0.0
        fps = capture.get(cv2.CAP_PROP_FPS)
        return 1.0 / fps if 0 < fps < 1000 else 1.0 / 30

    def _publish(self, image: np.ndarray) -> None:
        now = self._clock()
        with self._fresh:
            self._frames += 1
            self._frame = Frame(image, self._frames, now)
            self._arrivals.append(now)
            self._state, self._detail = "ok", ""
            self._fresh.notify_all()

    def _set_state(self, state: CameraState, detail: str) -> None:
        with self._fresh:
            self._state, self._detail = state, detail
