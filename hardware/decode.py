"""Decoding is a function from a frame to the QR codes in it: `decode_frame(frame, engine=...)`.

Engines: `zbar` (binary mode, inverted codes too), `zxing` (zxing-cpp) and `auto` (a zxing
first pass with region refinement and deblurring when it fails; see decode_auto.py). Every
engine returns text only from valid UTF-8 or a declared ECI charset, never guessed mojibake.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from hardware.decode_auto import read_auto
from hardware.decode_types import DecodedCode
from hardware.decode_zbar import read_zbar
from hardware.decode_zxing import read_zxing

ENGINES: dict[str, Callable[[np.ndarray], list[DecodedCode]]] = {
    "auto": read_auto,
    "zbar": read_zbar,
    "zxing": read_zxing,
}

# The smallest QR symbol is 21 modules wide: a smaller image cannot hold one.
MIN_SIDE_PX = 21

__all__ = ["ENGINES", "DecodedCode", "FrameError", "decode_frame", "to_gray", "unique_codes"]


class FrameError(ValueError):
    """The frame is not an image a decoder can read (empty, wrong shape or type)."""


def decode_frame(frame: np.ndarray, engine: str = "auto") -> list[DecodedCode]:
    """The QR codes in a grayscale or BGR(A) frame, each with raw bytes and safe text.

    Raises FrameError for an empty or malformed frame and ValueError for an unknown engine.
    """
    try:
        read = ENGINES[engine]
    except KeyError:
        raise ValueError(
            f"unknown decode engine {engine!r}; choose from {sorted(ENGINES)}") from None
    gray = to_gray(frame)
    if min(gray.shape) < MIN_SIDE_PX:
        return []
    return unique_codes(read(gray))


def to_gray(frame: np.ndarray) -> np.ndarray:
    """An 8-bit single-channel view of a camera frame (BGR, BGRA or already gray)."""
    if not isinstance(frame, np.ndarray) or frame.size == 0:
        raise FrameError("empty frame")
    if frame.dtype != np.uint8:
        raise FrameError(f"frame must be 8-bit, got {frame.dtype}")
    if frame.ndim == 2:
        return np.ascontiguousarray(frame)
    if frame.ndim == 3 and frame.shape[2] == 1:
        return np.ascontiguousarray(frame[:, :, 0])
    if frame.ndim == 3 and frame.shape[2] == 3:
        return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    if frame.ndim == 3 and frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2GRAY)
    raise FrameError(f"frame must be gray or BGR, got shape {frame.shape}")


def unique_codes(codes: list[DecodedCode]) -> list[DecodedCode]:
    """One entry per payload: engines may report the same symbol from two passes."""
    seen: set[bytes] = set()
    unique = []
    for code in codes:
        if code.raw not in seen:
            seen.add(code.raw)
            unique.append(code)
    return unique
