"""Decoding a live camera: the slow cascade is spent only on still scenes it has not seen."""

from __future__ import annotations

import random

import cv2
import numpy as np

from hardware.corpus_gen import Conditions, cccd_line, render_frame
from hardware.decode import decode_frame
from hardware.live_decode import LiveDecoder
from sim.camera import VirtualCamera


class Clock:
    """A camera's clock the test moves frame by frame."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def camera_frames(camera: VirtualCamera, clock: Clock, start: float, seconds: float,
                  fps: float = 30.0) -> list[tuple[float, np.ndarray]]:
    """The frames a 30 fps camera delivers, through JPEG as an IP camera sends them."""
    frames = []
    for index in range(int(seconds * fps)):
        clock.now = start + index / fps
        ok, jpeg = cv2.imencode(".jpg", camera.frame_at(clock.now))
        assert ok
        frames.append((clock.now, cv2.imdecode(jpeg, cv2.IMREAD_COLOR)))
    return frames


def test_an_empty_scene_costs_one_cascade_a_second_not_one_a_frame() -> None:
    clock = Clock()
    camera = VirtualCamera(seed=5, clock=clock)
    decoder = LiveDecoder(clock=clock)
    for moment, frame in camera_frames(camera, clock, 1000.0, 2.0):
        clock.now = moment
        assert decoder.decode(frame) == []
    # 60 frames: a decoder refining each would run the 50-100 ms cascade 60 times.
    assert 1 <= decoder.refinements <= 3


def test_a_code_brought_into_view_is_read_once_it_holds_still() -> None:
    clock = Clock()
    camera = VirtualCamera(seed=7, clock=clock)
    text = "KB1:" + "CHOTKIEMSOAT" * 20
    shown = camera.present(text)
    decoder = LiveDecoder(clock=clock)
    first_read = None
    for moment, frame in camera_frames(camera, clock, shown.start, 2.0):
        codes = decoder.decode(frame)
        if codes and first_read is None:
            first_read = moment
            assert [code.text for code in codes] == [text]
    assert first_read is not None and first_read <= shown.steady_at + 0.1
    # The cascade never ran on frames of the moving code.
    assert decoder.refinements <= 1


def test_a_hard_code_held_still_still_gets_the_cascade() -> None:
    rng = random.Random(3)
    text = cccd_line(rng)
    conditions = Conditions(module_px=4, perspective=0.1, blur_sigma=1.9, brightness=0.3,
                            noise_sigma=2.0, inverted=False)
    frame = render_frame(text, conditions, rng)
    assert decode_frame(frame, "zxing") == []  # the fast pass alone misses it
    clock = Clock()
    decoder = LiveDecoder(clock=clock)
    assert decoder.decode(np.full_like(frame, 128)) == []
    clock.now += 1 / 30
    assert decoder.decode(frame) == []  # it just came into view: the scene is moving
    clock.now += 1 / 30
    assert [code.text for code in decoder.decode(frame)] == [text]  # now held still
    assert decoder.refinements == 2


def test_other_engines_decode_every_frame_as_they_are() -> None:
    rng = random.Random(4)
    text = cccd_line(rng)
    frame = render_frame(text, Conditions(module_px=5, perspective=0.0, blur_sigma=0.5,
                                             brightness=1.0, noise_sigma=0.0,
                                             inverted=False), rng)
    for engine in ("zxing", "zbar"):
        assert [code.text for code in LiveDecoder(engine).decode(frame)] == [text]
