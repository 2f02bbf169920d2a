"""The virtual camera: codes held up in poor conditions, read by the real decoder and capture."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from hardware.camera import Camera
from hardware.decode import decode_frame
from screening.default_policy import default_policy
from sim.camera import MjpegServer, VirtualCamera
from sim.render import Look, Motion
from sim.travellers import Issuers, Kind, Mix, Origin, TravellerFactory

CCCD = ("011190004321|123456789|Hoàng Thị Thuỳ Dương|01021990|Nữ|"
        "Bản Ủng Ửng, xã Mường Tè, Lai Châu|12052021")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def texts(frame: np.ndarray) -> set[str | None]:
    return {code.text for code in decode_frame(frame, "zxing")}


def test_a_code_held_still_reads_exactly_and_a_moving_one_does_not() -> None:
    clock = Clock()
    camera = VirtualCamera(clock=clock, seed=1)
    shown = camera.present(CCCD, on_paper=True)
    assert texts(camera.frame_at(shown.steady_at + 0.1)) == {CCCD}
    assert CCCD not in texts(camera.frame_at(shown.start + 0.1))  # motion blur
    assert texts(camera.frame_at(shown.start - 0.5)) == set()  # nobody there yet


def test_travellers_codes_read_in_poor_light_with_glare_tilt_and_thumbs() -> None:
    clock = Clock()
    camera = VirtualCamera(clock=clock, seed=7, harsh=True)
    factory = TravellerFactory(default_policy(), Mix(
        kinds={Kind.DECLARATION: 2, Kind.PAPER: 1, Kind.CCCD: 1},
        origins={Origin.IN_PROVINCE: 1, Origin.OUT_OF_PROVINCE: 1}), Issuers.generate(), 5)
    read = 0
    looks = []
    for _ in range(20):
        traveller = factory.next(datetime.now(UTC))
        assert traveller.code is not None
        shown = camera.present(traveller.code, traveller.on_paper)
        looks.append(shown.look)
        read += traveller.code in texts(camera.frame_at(shown.steady_at + 0.05))
        clock.now = shown.end + 0.01
    assert read >= 19
    assert any(look.thumb for look in looks) and any(look.light < 0.5 for look in looks)
    assert any(look.glare > 0.2 for look in looks)


def test_presentations_queue_one_traveller_at_a_time() -> None:
    clock = Clock()
    camera = VirtualCamera(clock=clock)
    first = camera.present("KB1:FIRST")
    second = camera.present("KB1:SECOND")
    assert second.start == pytest.approx(first.end)
    assert camera.busy_until() == pytest.approx(second.end)


def test_the_camera_is_a_real_mjpeg_stream_for_the_kiosks_capture() -> None:
    camera = VirtualCamera(640, 480, fps=30, harsh=False)
    camera.present(CCCD, on_paper=False, motion=Motion(approach_s=0.1, hold_s=30),
                   look=Look(on_paper=False, size_frac=0.8, center=(0.5, 0.5),
                             rotation_deg=5, tilt=0.0, light=1.0, glare=0.0, thumb=False,
                             from_side=1))
    server = MjpegServer(camera).start()
    capture = Camera(server.url)
    try:
        capture.start()
        frame = capture.wait_frame(0, timeout=10)
        assert frame is not None and frame.image.shape == (480, 640, 3)
        deadline = frame.seq + 60
        found: set[str | None] = set()
        while CCCD not in found and frame is not None and frame.seq < deadline:
            frame = capture.wait_frame(frame.seq, timeout=5)
            if frame is not None:
                found = texts(frame.image)
        assert CCCD in found
    finally:
        capture.stop()
        server.stop()
    assert server.frames_rendered > 0
