"""An image file read into a frame, its size checked from the header before any decoding.

A PNG of 16,000 × 16,000 px compresses to a few hundred KB and decodes to 768 MB (OpenCV
took 8 s and 1.7 GB for one), so the pixel count is read from the header (imagesize) and
refused past a cap; the same bytes are then decoded, so the file cannot change in between.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import cv2
import imagesize
import numpy as np

# A 50-megapixel phone photo (8160 × 6144) still reads; 256 Mpx bombs do not.
MAX_IMAGE_PIXELS = 52_000_000
MAX_IMAGE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class ImageRefused:
    """Why an image file was not decoded: image_too_large or image_unreadable."""

    reason: str
    detail: str


def read_image_file(path: str | Path, max_pixels: int = MAX_IMAGE_PIXELS,
                    max_bytes: int = MAX_IMAGE_BYTES) -> np.ndarray | ImageRefused:
    """The image as a BGR frame, or why not: too many pixels or bytes, or not an image."""
    try:
        with open(path, "rb") as file:
            data = file.read(max_bytes + 1)
    except OSError as exc:
        return ImageRefused("image_unreadable", f"{exc.strerror or exc}")
    if len(data) > max_bytes:
        return ImageRefused("image_too_large", f"more than {max_bytes} bytes")
    width, height = imagesize.get(io.BytesIO(data))
    if width <= 0 or height <= 0:
        # No size in a header imagesize knows: OpenCV might still decode it, at any size.
        return ImageRefused("image_unreadable", "no image header with a size")
    if width * height > max_pixels:
        return ImageRefused("image_too_large",
                            f"{width} × {height} px, more than {max_pixels} pixels")
    frame = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if frame is None:
        return ImageRefused("image_unreadable", "not an image OpenCV can decode")
    return frame
