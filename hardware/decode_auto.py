"""The `auto` engine: a fast zxing pass, then region-of-interest refinement only when it fails.

Most frames decode in the first pass (a few ms on one core). When it fails, zxing usually still
located the symbol (its checksum failed): that region, or the densest-texture region found by a
cheap locator, is cropped, contrast-stretched, upscaled and sharpened against blur, and read by
zxing and zbar. Full-frame passes (global threshold, sharpened, zbar) follow, and the last
resort for a located symbol is mesh resampling for bent or wrinkled codes (decode_mesh.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import cv2
import numpy as np
import zxingcpp

from hardware.deblur import sharpen, stretch_contrast, wiener_deblur
from hardware.decode_mesh import modules_of, read_bent
from hardware.decode_types import DecodedCode
from hardware.decode_zbar import read_zbar
from hardware.decode_zxing import decoded_from_zxing, zxing_results

ENGINE = "auto"
Box = tuple[int, int, int, int]
# Regions smaller than this (pixels per side) cannot hold a readable QR code at 720p.
_MIN_REGION = 40
_MAX_REGIONS = 3
_ZBAR_MAX_WIDTH = 960
_MAX_REGION_SHARE = 0.5


def read_auto(gray: np.ndarray) -> list[DecodedCode]:
    """Decode with the cascade: whole frame, refined regions, whole-frame variants, mesh."""
    found, located = first_pass(gray)
    return found or refine(gray, located)


def first_pass(gray: np.ndarray) -> tuple[list[DecodedCode], list[zxingcpp.Barcode]]:
    """The fast whole-frame zxing read (a few ms): codes read, and symbols located but unread."""
    results = zxing_results(gray, return_errors=True)
    return [decoded_from_zxing(result, ENGINE) for result in results if result.valid], results


def refine(gray: np.ndarray, located: list[zxingcpp.Barcode]) -> list[DecodedCode]:
    """The slow rest of the cascade, for a frame the first pass could not read (50-100 ms)."""
    regions = [_box_of(result.position, gray.shape) for result in located]
    regions += locate_dense_regions(gray)
    for box in _distinct(_refinable(regions, gray.shape))[:_MAX_REGIONS]:
        found = _read_region(gray, box)
        if found:
            return found
    whole_frame: list[Callable[[], list[DecodedCode]]] = [
        # Glare and uneven light defeat zxing's local thresholds but not a global one.
        lambda: _read_zxing(gray, (0, 0), 1.0, zxingcpp.Binarizer.GlobalHistogram),
        lambda: _read_zxing(sharpen(stretch_contrast(gray), sigma=2.0, amount=1.5), (0, 0), 1.0),
        lambda: _read_zbar_downscaled(gray),
    ]
    for attempt in whole_frame:
        found = attempt()
        if found:
            return found
    return _read_bent(gray, located)


def _refinable(boxes: list[Box], shape: tuple[int, ...]) -> list[Box]:
    """Boxes worth refining: one spanning most of the frame is a textured scene, not a symbol.

    Refining such a box (upscaled, deblurred) costs about a second of CPU on a 720p frame and
    the whole-frame passes below already cover it; a live camera shows such scenes all day.
    """
    frame_area = shape[0] * shape[1]
    return [box for box in boxes
            if (box[2] - box[0]) * (box[3] - box[1]) <= _MAX_REGION_SHARE * frame_area]


def _read_bent(gray: np.ndarray, located: list[zxingcpp.Barcode]) -> list[DecodedCode]:
    """Last resort for symbols zxing located but could not read: mesh resampling."""
    for result in located[:_MAX_REGIONS]:
        extra = result.extra
        modules = modules_of(str(extra.get("Version", ""))) if isinstance(extra, dict) else None
        if modules is None:
            continue
        corners = np.array(_points(result.position), np.float32)
        found = read_bent(gray, corners, modules)
        if found:
            return [DecodedCode(raw=code.raw, text=code.text, engine=ENGINE,
                                corners=tuple((int(x), int(y)) for x, y in corners))
                    for code in (decoded_from_zxing(item, ENGINE) for item in found)]
    return []


def _read_region(gray: np.ndarray, box: Box) -> list[DecodedCode]:
    x0, y0, x1, y1 = box
    crop = stretch_contrast(gray[y0:y1, x0:x1])
    upscaled = cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    attempts: list[Callable[[], list[DecodedCode]]] = [
        lambda: _read_zxing(sharpen(upscaled, sigma=4.0, amount=3.0), (x0, y0), 0.5),
        lambda: _read_zxing(sharpen(crop, sigma=1.5, amount=6.0), (x0, y0), 1.0),
        lambda: _read_zxing(wiener_deblur(upscaled, 3.2, 0.02), (x0, y0), 0.5),
        lambda: _read_zxing(wiener_deblur(upscaled, 4.0, 0.01), (x0, y0), 0.5),
        lambda: _read_zbar(sharpen(upscaled, sigma=4.0, amount=2.0), (x0, y0), 0.5),
    ]
    for attempt in attempts:
        found = attempt()
        if found:
            return found
    return []


def _read_zxing(gray: np.ndarray, origin: tuple[int, int], scale: float,
                binarizer: zxingcpp.Binarizer = zxingcpp.Binarizer.LocalAverage,
                ) -> list[DecodedCode]:
    results = zxing_results(gray, binarizer=binarizer)
    return [_moved(decoded_from_zxing(result, ENGINE), origin, scale) for result in results]


def _read_zbar(gray: np.ndarray, origin: tuple[int, int], scale: float) -> list[DecodedCode]:
    return [_moved(code, origin, scale) for code in read_zbar(gray, engine=ENGINE)]


def _read_zbar_downscaled(gray: np.ndarray) -> list[DecodedCode]:
    """zbar's own scan over the frame; halved when large, since zbar's cost grows with pixels."""
    if gray.shape[1] <= _ZBAR_MAX_WIDTH:
        return _read_zbar(gray, (0, 0), 1.0)
    half = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    return _read_zbar(half, (0, 0), 2.0)


def _moved(code: DecodedCode, origin: tuple[int, int], scale: float) -> DecodedCode:
    corners = tuple((int(x * scale) + origin[0], int(y * scale) + origin[1])
                    for x, y in code.corners)
    return DecodedCode(raw=code.raw, text=code.text, engine=code.engine, corners=corners)


def locate_dense_regions(gray: np.ndarray) -> list[Box]:
    """Boxes around the areas of densest fine texture, where a QR code most likely is."""
    if min(gray.shape[:2]) < 2 * _MIN_REGION:
        return []
    small = stretch_contrast(cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA))
    edges = cv2.convertScaleAbs(cv2.Laplacian(small, cv2.CV_16S, ksize=3))
    density = cv2.blur(edges, (15, 15))
    threshold = max(8.0, float(density.max()) * 0.5)
    mask = (density >= threshold).astype(np.uint8)
    _count, _labels, stats, _centroids = cv2.connectedComponentsWithStats(mask)
    boxes = []
    for index in np.argsort(-stats[1:, cv2.CC_STAT_AREA])[:_MAX_REGIONS] + 1:
        x, y, w, h = (int(v) * 2 for v in stats[index, :4])
        if min(w, h) >= _MIN_REGION:
            boxes.append(_padded((x, y, x + w, y + h), gray.shape, 0.15))
    return boxes


def _points(position: zxingcpp.Position) -> list[tuple[int, int]]:
    corners = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    return [(corner.x, corner.y) for corner in corners]


def _box_of(position: zxingcpp.Position, shape: tuple[int, ...]) -> Box:
    points = _points(position)
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    # A failed read often located only part of the symbol: look well around it.
    return _padded((min(xs), min(ys), max(xs), max(ys)), shape, 0.35)


def _padded(box: Box, shape: tuple[int, ...], margin: float) -> Box:
    x0, y0, x1, y1 = box
    pad = int(max(x1 - x0, y1 - y0) * margin) + 8
    height, width = shape[:2]
    return max(0, x0 - pad), max(0, y0 - pad), min(width, x1 + pad), min(height, y1 + pad)


def _distinct(boxes: Iterable[Box]) -> list[Box]:
    """Drop boxes whose centre lies inside an earlier box: the same symbol found twice."""
    kept: list[Box] = []
    for box in boxes:
        cx, cy = (box[0] + box[2]) // 2, (box[1] + box[3]) // 2
        if not any(k[0] <= cx <= k[2] and k[1] <= cy <= k[3] for k in kept):
            kept.append(box)
    return kept
