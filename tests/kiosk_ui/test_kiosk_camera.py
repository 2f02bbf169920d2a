"""The camera input for real: OpenCV plays a generated video, the real decoder reads the code."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import cv2
import numpy as np
import pytest
import segno
from kiosk_harness import make_kiosk

from kiosk_ui.camera_scanner import CameraScanner
from kiosk_ui.screen_text import screen_text
from screening.event import ScanEvent

WIDTH, HEIGHT = 640, 480


def qr_frame(text: str) -> np.ndarray:
    """A grey frame with the code's QR in the middle, as a camera at arm's length sees it."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=3, border=4)
    qr = cv2.imdecode(np.frombuffer(buffer.getvalue(), np.uint8), cv2.IMREAD_COLOR)
    frame = np.full((HEIGHT, WIDTH, 3), 128, dtype=np.uint8)
    y, x = (HEIGHT - qr.shape[0]) // 2, (WIDTH - qr.shape[1]) // 2
    frame[y:y + qr.shape[0], x:x + qr.shape[1]] = qr
    return frame


def write_video(path: Path, text: str) -> Path:
    """Empty view, the code held up for a second, empty view again (20 fps MJPG)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 20.0, (WIDTH, HEIGHT))
    empty = np.full((HEIGHT, WIDTH, 3), 128, dtype=np.uint8)
    code = qr_frame(text)
    for frame in [empty] * 6 + [code] * 20 + [empty] * 6:
        writer.write(frame)
    writer.release()
    return path


@pytest.mark.asyncio
async def test_a_code_held_to_the_camera_gives_one_verdict(tmp_path: Path) -> None:
    kiosk = make_kiosk()
    video = write_video(tmp_path / "queue.avi", kiosk.codes["clear"])
    camera = CameraScanner([str(video)])
    kiosk.app.ports.camera = camera
    try:
        async with kiosk.app.run_test(size=(80, 24)) as pilot:
            for _ in range(100):
                await asyncio.sleep(0.05)
                if "ĐƯỢC QUA" in screen_text(kiosk.app):
                    break
            await asyncio.sleep(1.2)  # the rest of the clip: same code, then empty view
            await pilot.pause()
            await kiosk.app.workers.wait_for_complete()
            text = screen_text(kiosk.app)
    finally:
        camera.stop()
    events = [e for e in kiosk.journal.events if isinstance(e, ScanEvent)]
    assert "ĐƯỢC QUA" in text and "camera · #1" in text
    assert len(events) == 1
    assert kiosk.app.timings.summary().count == 1


def test_a_camera_that_gives_no_picture_is_refused_and_the_old_one_kept(tmp_path: Path) -> None:
    video = write_video(tmp_path / "queue.avi", "KB1:TEST")
    camera = CameraScanner([str(video), str(tmp_path / "unplugged.avi")], first_frame_wait_s=0.5)
    camera.start(lambda *_: None)
    try:
        with pytest.raises(OSError):
            camera.select(1)
        assert camera.selected == 0
        assert camera.health().detail.endswith(str(video))  # reopened (maybe still starting)
    finally:
        camera.stop()
