"""Decoding a live camera: a fast read of every frame, the slow cascade only when it can help.

The `auto` cascade costs 50-100 ms on a 720p frame that holds no readable code, and a live
camera shows such frames all day: a kiosk that ran it on every frame kept a core busy, and a
code coming into view waited behind the cascade of an empty frame (p95 185 ms from steady to
verdict on 2 cores). The fast first pass (1-2 ms) reads a steady code; the cascade runs on a
frame only when the scene has settled into something it has not yet seen (a hard code now
held still), and otherwise at most once every `retry_s` while the scene stays still. While the
scene moves (a code being brought in or taken away) only the fast pass runs.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

import cv2
import numpy as np

from hardware.decode import decode_frame, to_gray, unique_codes
from hardware.decode_auto import first_pass, refine
from hardware.decode_types import DecodedCode

# Scene comparisons run on a thumbnail: cheap (< 0.2 ms) and blind to sensor noise.
THUMB_SIZE = (160, 90)
# A frame differs from the last by more than this many times the scene's own noise: it moves.
MOTION_FACTOR = 2.5
# Mean absolute difference (0-255) below which any change is noise, whatever the noise floor.
MIN_MOTION = 0.8
# The noise floor: a low percentile of the last few seconds' differences, so a long movement
# does not pass for noise.
NOISE_WINDOW = 90
NOISE_PERCENTILE = 20
RETRY_S = 1.0


class LiveDecoder:
    """Turns a camera's successive frames into codes, spending the slow cascade sparingly."""

    def __init__(self, engine: str = "auto", retry_s: float = RETRY_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.engine = engine
        self.retry_s = retry_s
        self._clock = clock
        self._previous: np.ndarray | None = None
        self._refined: np.ndarray | None = None  # the thumbnail of the last refined frame
        self._refined_at = float("-inf")
        self._diffs: deque[float] = deque(maxlen=NOISE_WINDOW)
        self.refinements = 0

    def decode(self, frame: np.ndarray) -> list[DecodedCode]:
        """The codes in the next frame; raises FrameError for a malformed one."""
        if self.engine != "auto":
            return decode_frame(frame, self.engine)
        gray = to_gray(frame)
        thumb = cv2.resize(gray, THUMB_SIZE, interpolation=cv2.INTER_AREA).astype(np.int16)
        moving = self._moving(thumb)
        found, located = first_pass(gray)
        if found:
            return unique_codes(found)
        if moving or not self._worth_refining(thumb):
            return []
        self._refined, self._refined_at = thumb, self._clock()
        self.refinements += 1
        return unique_codes(refine(gray, located))

    def _moving(self, thumb: np.ndarray) -> bool:
        previous, self._previous = self._previous, thumb
        if previous is None:
            return False
        diff = _difference(thumb, previous)
        threshold = self._threshold()
        self._diffs.append(diff)
        return diff > threshold

    def _worth_refining(self, thumb: np.ndarray) -> bool:
        """A still scene not refined yet, or one last refined more than retry_s ago."""
        if self._clock() - self._refined_at >= self.retry_s:
            return True
        assert self._refined is not None  # set together with _refined_at
        return _difference(thumb, self._refined) > self._threshold()

    def _threshold(self) -> float:
        if not self._diffs:
            return MIN_MOTION
        noise = float(np.percentile(self._diffs, NOISE_PERCENTILE))
        return max(MIN_MOTION, MOTION_FACTOR * noise)


def _difference(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).mean())
