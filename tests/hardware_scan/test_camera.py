"""The kiosk camera: real OpenCV capture from a generated video file and from MJPEG over HTTP."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import cv2
import numpy as np
import pytest

from hardware.camera import Camera, is_video_file, parse_source
from infra.polling import wait_until

WIDTH, HEIGHT = 320, 240


def numbered_frame(number: int) -> np.ndarray:
    """A frame whose mean brightness encodes its number, so tests can tell frames apart."""
    return np.full((HEIGHT, WIDTH, 3), 20 + 10 * (number % 20), dtype=np.uint8)


def frame_number(image: np.ndarray) -> int:
    return round((float(image.mean()) - 20) / 10)


@pytest.fixture
def video_file(tmp_path: Path) -> Path:
    """A 40-frame, 20 fps MJPG .avi written by OpenCV itself."""
    path = tmp_path / "queue.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 20.0, (WIDTH, HEIGHT))
    assert writer.isOpened()
    for number in range(40):
        writer.write(numbered_frame(number))
    writer.release()
    return path



def test_source_strings_become_device_indexes_or_stay_paths() -> None:
    assert parse_source("0") == 0
    assert parse_source(2) == 2
    assert parse_source("http://127.0.0.1:8080/stream") == "http://127.0.0.1:8080/stream"
    assert parse_source("/tmp/a.avi") == "/tmp/a.avi"
    assert is_video_file("/tmp/a.avi")
    assert not is_video_file("/dev/video2") and not is_video_file(0)
    assert not is_video_file("rtsp://10.0.0.7/live")


def test_video_file_plays_at_its_own_rate_and_ends(video_file: Path) -> None:
    with Camera(str(video_file)) as camera:
        first = camera.wait_frame(timeout=5)
        assert first is not None and first.image.shape == (HEIGHT, WIDTH, 3)
        assert wait_until(lambda: camera.health().state == "ended", timeout=6)
        health = camera.health()
    assert health.frames == 40
    # 40 frames at 20 fps take about two seconds: the file is paced like a camera.
    assert 8 <= health.fps <= 30


def test_reader_gets_the_newest_frame_not_a_backlog(video_file: Path) -> None:
    with Camera(str(video_file)) as camera:
        first = camera.wait_frame(timeout=5)
        assert first is not None
        # A slow decoder: it looks again only once a dozen more frames have arrived.
        assert wait_until(lambda: camera.health().frames >= first.seq + 12, timeout=5)
        newest = camera.latest()
        assert newest is not None
        assert newest.seq >= 5
        assert frame_number(newest.image) == (newest.seq - 1) % 20
        following = camera.wait_frame(after_seq=newest.seq, timeout=2)
        assert following is not None and following.seq > newest.seq


def test_looping_file_keeps_delivering(video_file: Path) -> None:
    with Camera(str(video_file), loop=True) as camera:
        assert wait_until(lambda: camera.health().frames > 45, timeout=8)
        assert camera.health().state == "ok"


def test_missing_file_is_a_health_state_not_a_crash(tmp_path: Path) -> None:
    camera = Camera(str(tmp_path / "nothing.avi"), min_backoff_s=0.05, max_backoff_s=0.1)
    camera.start()
    try:
        assert wait_until(lambda: camera.health().state == "down")
        assert "cannot open" in camera.health().detail
        assert camera.latest() is None
        assert camera.wait_frame(timeout=0.2) is None
    finally:
        started = time.monotonic()
        camera.stop()
        assert time.monotonic() - started < 2
    assert camera.health().state == "stopped"


class MjpegFeed:
    """A tiny IP camera on loopback: multipart JPEG frames; can drop clients or go away."""

    def __init__(self, frames_per_client: int = 1000) -> None:
        self.frames_per_client = frames_per_client
        self.clients = 0
        self.sent = 0
        self.frozen = threading.Event()
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                feed.clients += 1
                self.send_response(200)
                self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
                self.end_headers()
                try:
                    for _ in range(feed.frames_per_client):
                        if feed.frozen.is_set():
                            # Hung camera: the connection stays open, nothing more arrives.
                            time.sleep(30)
                            return
                        ok, jpeg = cv2.imencode(".jpg", numbered_frame(feed.sent))
                        assert ok
                        self.wfile.write(b"--frame\r\nContent-Type: image/jpeg\r\n"
                                         + f"Content-Length: {len(jpeg)}\r\n\r\n".encode()
                                         + jpeg.tobytes() + b"\r\n")
                        feed.sent += 1
                        time.sleep(0.02)  # pacing: a camera sends ~50 frames a second
                except OSError:
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/stream.mjpg"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def vanish(self) -> None:
        """The camera hangs mid-stream and stops answering new connections."""
        self.frozen.set()
        self.server.shutdown()
        self.server.server_close()

    def close(self) -> None:
        if self.frozen.is_set():
            return
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def feed() -> Iterator[MjpegFeed]:
    feed = MjpegFeed(frames_per_client=25)
    yield feed
    feed.close()


def test_mjpeg_url_capture_reconnects_after_the_stream_drops(feed: MjpegFeed) -> None:
    with Camera(feed.url, min_backoff_s=0.05, max_backoff_s=0.2) as camera:
        assert camera.wait_frame(timeout=10) is not None
        # Each client gets 25 frames and is cut off: the camera must come back every time.
        assert wait_until(lambda: camera.health().reconnects >= 2 and feed.clients >= 3,
                          timeout=15)
        assert wait_until(lambda: camera.health().state == "ok", timeout=5)
        assert camera.health().frames > 50


def test_camera_that_disappears_goes_down_and_stop_returns(feed: MjpegFeed) -> None:
    feed.frames_per_client = 100000
    camera = Camera(feed.url, min_backoff_s=0.05, max_backoff_s=0.2, stale_after_s=1.0)
    camera.start()
    try:
        assert camera.wait_frame(timeout=10) is not None
        feed.vanish()
        port = int(feed.url.split(":")[2].split("/")[0])
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0
        assert wait_until(lambda: camera.health().state == "down", timeout=8)
        age = camera.health().last_frame_age_s
        assert age is not None and age >= 1.0
    finally:
        started = time.monotonic()
        camera.stop()
        assert time.monotonic() - started < 6


class FlakyCapture:
    """A capture backend that delivers a few frames and then fails as drivers do."""

    def __init__(self, frames: int, failure: Exception | None) -> None:
        self.frames, self.failure = frames, failure

    def isOpened(self) -> bool:  # noqa: N802 - OpenCV's name
        return True

    def read(self) -> tuple[bool, np.ndarray | None]:
        if self.frames == 0:
            if self.failure is not None:
                raise self.failure
            return False, None
        self.frames -= 1
        time.sleep(0.01)  # pacing: a capture device hands out frames over time
        return True, numbered_frame(self.frames)

    def get(self, prop: int) -> float:
        return 0.0

    def release(self) -> None:
        pass


def test_backend_exceptions_and_empty_reads_mean_reconnect_not_crash() -> None:
    opened: list[int] = []

    def opener(source: int | str) -> FlakyCapture:
        opened.append(1)
        return FlakyCapture(3, RuntimeError("driver fell over") if len(opened) % 2 else None)

    with Camera(0, opener=opener, min_backoff_s=0.01, max_backoff_s=0.05) as camera:
        assert wait_until(lambda: len(opened) >= 4)
        health = camera.health()
        assert health.frames >= 9 and health.reconnects >= 3
