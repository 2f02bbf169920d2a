"""Bent and wrinkled codes: resample a located symbol on a flexible mesh instead of a homography.

zxing locates a symbol on a curved card or cloth but its single perspective transform samples
the wrong modules where the surface bends, so the checksum fails. Here the symbol is sampled
through a (k+1)x(k+1) mesh of control points started from zxing's corners; each point is nudged
to make every module's cell as uniform as possible (a cell straddling a module edge is not),
and the resampled module grid is decoded as a pure symbol. Error correction still guards the
result: a wrong grid fails its Reed-Solomon check, it does not produce a wrong text.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np
import zxingcpp

from hardware.decode_zxing import zxing_results

CELL_PX = 6
# Up to version 10 (57 modules): beyond that each step costs more than a frame is worth.
MAX_MODULES = 57
_STEPS = (1.0, 0.5, 0.25)  # control-point nudges, in modules
_MESHES = (2, 3)
_DIRECTIONS = ((1.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (0.0, -1.0))


def modules_of(version: str) -> int | None:
    """Modules per side of a QR (not Micro QR) version string such as "3"; None otherwise."""
    return 17 + 4 * int(version) if version.isdigit() and 1 <= int(version) <= 40 else None


def read_bent(gray: np.ndarray, corners: np.ndarray, modules: int) -> list[zxingcpp.Barcode]:
    """Valid zxing results for the symbol at `corners` (TL, TR, BR, BL) after mesh refinement."""
    if modules > MAX_MODULES:
        return []
    for mesh in _MESHES:
        found = _refine(gray, corners, modules, mesh)
        if found:
            return found
    return []


def _refine(gray: np.ndarray, corners: np.ndarray, modules: int,
            mesh: int) -> list[zxingcpp.Barcode]:
    square = np.array([[0, 0], [modules, 0], [modules, modules], [0, modules]], np.float32)
    homography = cv2.getPerspectiveTransform(square, corners.astype(np.float32))
    grid = np.array([[(col * modules / mesh, row * modules / mesh) for col in range(mesh + 1)]
                     for row in range(mesh + 1)], dtype=np.float32)
    control = cv2.perspectiveTransform(grid.reshape(-1, 1, 2), homography).reshape(-1, 2)
    module_px = float(np.linalg.norm(corners[1] - corners[0])) / modules
    for step in _STEPS:
        for index in range(len(control)):
            best = _cell_variance(gray, control, modules, mesh)
            best_move = np.zeros(2, np.float32)
            for direction in _DIRECTIONS:
                move = np.array(direction, np.float32) * step * module_px
                control[index] += move
                score = _cell_variance(gray, control, modules, mesh)
                control[index] -= move
                if score < best:
                    best, best_move = score, move
            control[index] += best_move
        found = _decode_grid(gray, control, modules, mesh)
        if found:
            return found
    return []


def _decode_grid(gray: np.ndarray, control: np.ndarray, modules: int,
                 mesh: int) -> list[zxingcpp.Barcode]:
    means, _ = _cells(gray, control, modules, mesh)
    local = cv2.blur(means, (7, 7), borderType=cv2.BORDER_REPLICATE)
    otsu, _ = cv2.threshold(np.clip(means, 0, 255).astype(np.uint8), 0, 255, cv2.THRESH_OTSU)
    for dark in (means < local, means < otsu):
        symbol = np.pad(np.where(dark, 0, 255).astype(np.uint8), 4, constant_values=255)
        pure = cv2.resize(symbol, None, fx=4, fy=4, interpolation=cv2.INTER_NEAREST)
        found = [result for result in zxing_results(pure, try_harder=False, is_pure=True)
                 if result.valid]
        if found:
            return found
    return []


def _cell_variance(gray: np.ndarray, control: np.ndarray, modules: int, mesh: int) -> float:
    return float(_cells(gray, control, modules, mesh)[1].mean())


def _cells(gray: np.ndarray, control: np.ndarray, modules: int,
           mesh: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of the inner pixels of every module cell sampled through the mesh."""
    side = modules * CELL_PX
    points = _mesh_weights(modules, mesh) @ control
    map_x = points[:, 0].reshape(side, side)
    map_y = points[:, 1].reshape(side, side)
    sampled = cv2.remap(gray, map_x, map_y, cv2.INTER_LINEAR).astype(np.float32)
    inner = sampled.reshape(modules, CELL_PX, modules, CELL_PX)[:, 1:-1, :, 1:-1]
    return inner.mean(axis=(1, 3)), inner.var(axis=(1, 3))


@lru_cache(maxsize=16)
def _mesh_weights(modules: int, mesh: int) -> np.ndarray:
    """Bilinear weights of the control points for every sample pixel (fixed per size)."""
    side = modules * CELL_PX
    centres = (np.arange(side, dtype=np.float32) + 0.5) / CELL_PX * mesh / modules
    gx, gy = np.meshgrid(np.clip(centres, 0, mesh - 1e-4), np.clip(centres, 0, mesh - 1e-4))
    ix, iy = gx.astype(int), gy.astype(int)
    fx, fy = gx - ix, gy - iy
    weights = np.zeros((side * side, (mesh + 1) ** 2), np.float32)
    rows = np.arange(side * side)
    for d_row, d_col, weight in ((0, 0, (1 - fx) * (1 - fy)), (0, 1, fx * (1 - fy)),
                                 (1, 0, (1 - fx) * fy), (1, 1, fx * fy)):
        columns = ((iy + d_row) * (mesh + 1) + ix + d_col).ravel()
        np.add.at(weights, (rows, columns), weight.ravel())
    return weights
