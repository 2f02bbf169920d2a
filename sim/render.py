"""Rendering what a kiosk camera sees: a traveller holding a phone or a paper QR up to it.

A presentation moves into view (motion blur while it moves), is held still with a slight hand
tremble, then leaves. Each one has its own tilt, light level, screen glare and a thumb over
part of the code. Frames are a pure function of the presentation and the time since it began,
so the same run renders the same frames and `steady_after_s` tells when the code is still.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import cv2
import numpy as np
import segno

QUIET_MODULES = 4


@dataclass(frozen=True)
class Look:
    """How one presentation looks: placement, tilt, light, glare and occlusion."""

    on_paper: bool
    size_frac: float  # code side as a share of the frame height
    center: tuple[float, float]  # where it rests, as shares of width and height
    rotation_deg: float
    tilt: float  # perspective skew, share of the code side per corner
    light: float  # 1.0 is a well-lit booth, 0.25 a dim one at night
    glare: float  # 0 none, 1 a strong reflection on the screen
    thumb: bool  # a thumb over the code's lower edge
    from_side: int  # -1 enters from the left, +1 from the right

    @classmethod
    def random(cls, rng: random.Random, on_paper: bool, harsh: bool = True) -> Look:
        """A plausible look; `harsh` allows dim light, strong glare, tilt and thumbs."""
        return cls(on_paper=on_paper, size_frac=rng.uniform(0.45, 0.65),
                   center=(rng.uniform(0.4, 0.6), rng.uniform(0.45, 0.55)),
                   rotation_deg=rng.uniform(-12, 12),
                   tilt=rng.uniform(0, 0.08 if harsh else 0.02),
                   light=rng.uniform(0.3, 1.0) if harsh else 1.0,
                   glare=0.0 if on_paper or not harsh else rng.uniform(0, 0.6),
                   thumb=harsh and rng.random() < 0.3, from_side=rng.choice([-1, 1]))


@dataclass(frozen=True)
class Motion:
    """Timing of a presentation: moving in, held still, moving out (seconds)."""

    approach_s: float = 0.5
    hold_s: float = 2.5
    leave_s: float = 0.4

    @property
    def steady_after_s(self) -> float:
        """When the code stops moving, counted from the start of the presentation."""
        return self.approach_s

    @property
    def total_s(self) -> float:
        """How long the presentation lasts."""
        return self.approach_s + self.hold_s + self.leave_s


def code_card(text: str, on_paper: bool, module_px: int = 6) -> np.ndarray:
    """The phone screen (dark bezel, white screen) or paper sheet carrying the QR, gray."""
    code = segno.make_qr(text.encode("utf-8"), error="m", boost_error=False)
    modules = np.pad(np.array(code.matrix, dtype=np.uint8), QUIET_MODULES)
    small = np.where(modules == 1, 20, 245).astype(np.uint8)
    qr = cv2.resize(small, None, fx=module_px, fy=module_px, interpolation=cv2.INTER_NEAREST)
    side = qr.shape[0]
    if on_paper:
        sheet = np.full((int(side * 1.3), int(side * 1.1)), 235, np.uint8)
        top = int(side * 0.22)
        left = (sheet.shape[1] - side) // 2
        sheet[top:top + side, left:left + side] = qr
        for row in range(3):  # printed heading lines above the code
            y = int(side * 0.05) + row * int(side * 0.05)
            cv2.line(sheet, (left, y), (left + int(side * (0.9 - 0.25 * row)), y), 90, 3)
        return sheet
    bezel = int(side * 0.06)
    phone = np.full((side + 2 * bezel + int(side * 0.5), side + 2 * bezel), 25, np.uint8)
    phone[bezel:phone.shape[0] - bezel, bezel:bezel + side] = 250
    top = bezel + int(side * 0.3)
    phone[top:top + side, bezel:bezel + side] = qr
    return phone


class SceneRenderer:
    """Renders frames of one camera: a fixed background and the current presentation."""

    def __init__(self, width: int = 1280, height: int = 720, seed: int = 0) -> None:
        self.width, self.height = width, height
        rng = np.random.default_rng(seed)
        self._background = _background(width, height, rng)
        # A few noise fields reused in turn: fresh noise per frame costs more than the render.
        self._noise = [rng.normal(0, 3.0, (height, width)).astype(np.float32) for _ in range(4)]
        self._frame_no = 0
        self._glare_blob = _glare_blob(height)

    def empty(self, light: float = 1.0) -> np.ndarray:
        """The booth with nobody presenting anything (BGR)."""
        return self._finish(self._background.copy(), light)

    def render(self, card: np.ndarray, look: Look, motion: Motion, t: float) -> np.ndarray:
        """The frame `t` seconds after the presentation began (BGR)."""
        offset, speed = self._offset(look, motion, t)
        if offset is None:
            return self.empty(look.light)
        scene = self._background.copy()
        matrix = self._placement(card, look, offset, t)
        box = _bounds(matrix, card.shape, self.width, self.height)
        if box is None:
            return self.empty(look.light)
        x0, y0, x1, y1 = box
        # Warp only the box the card covers: the rest of the frame is background.
        shifted = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], np.float64) @ matrix
        warped = cv2.warpPerspective(card.astype(np.float32), shifted, (x1 - x0, y1 - y0),
                                     flags=cv2.INTER_LINEAR, borderValue=-1.0)
        region = scene[y0:y1, x0:x1]
        held = warped >= 0
        region[held] = warped[held]
        if look.thumb:
            self._thumb(scene, card, matrix)
        if speed > 1.0:
            _motion_blur(region, speed / 30.0)
        if look.glare:
            self._glare(scene, matrix, look.glare)
        return self._finish(scene, look.light)

    def _offset(self, look: Look, motion: Motion, t: float) -> tuple[float | None, float]:
        """Horizontal offset from the resting place (pixels) and speed (pixels per second)."""
        travel = self.width * 0.8 * look.from_side
        if t < 0 or t > motion.total_s:
            return None, 0.0
        if t < motion.approach_s:
            left = 1 - t / motion.approach_s
            return travel * left * left, 2 * abs(travel) * left / motion.approach_s
        if t < motion.approach_s + motion.hold_s:
            return 0.0, 0.0
        gone = (t - motion.approach_s - motion.hold_s) / motion.leave_s
        return -travel * gone * gone, 2 * abs(travel) * gone / motion.leave_s

    def _placement(self, card: np.ndarray, look: Look, offset: float, t: float) -> np.ndarray:
        h, w = card.shape
        target = look.size_frac * self.height
        scale = target / max(h, w) * (1.25 if look.on_paper else 1.1)
        cx = look.center[0] * self.width + offset
        cy = look.center[1] * self.height
        # The hand trembles by about a pixel: held "still" is never perfectly still.
        cx += np.sin(t * 9.0) * 0.8
        cy += np.cos(t * 7.0) * 0.8
        angle = np.deg2rad(look.rotation_deg)
        rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        half = np.array([[-w, -h], [w, -h], [w, h], [-w, h]], dtype=np.float64) * scale / 2
        skew = look.tilt * target
        half += np.array([[skew, 0], [-skew, 0], [0, 0], [0, 0]])
        dst = (half @ rot.T + [cx, cy]).astype(np.float32)
        src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
        return cv2.getPerspectiveTransform(src, dst)

    def _thumb(self, scene: np.ndarray, card: np.ndarray, matrix: np.ndarray) -> None:
        h, w = card.shape
        # Over the middle of the lower edge: the finder patterns sit in the other corners.
        spot = cv2.perspectiveTransform(np.array([[[w * 0.55, h * 0.97]]], np.float32), matrix)
        x, y = spot[0, 0]
        radius = int(self.height * 0.05)
        cv2.ellipse(scene, (int(x), int(y)), (radius, int(radius * 1.6)), 10, 0, 360, 150, -1)

    def _glare(self, scene: np.ndarray, matrix: np.ndarray, strength: float) -> None:
        spot = cv2.perspectiveTransform(np.array([[[0.0, 0.0]]], np.float32), matrix)
        blob = self._glare_blob
        half = blob.shape[0] // 2
        x = int(spot[0, 0, 0] + self.width * 0.12) - half
        y = int(spot[0, 0, 1] + self.height * 0.15) - half
        xa, ya = max(x, 0), max(y, 0)
        xb, yb = min(x + blob.shape[1], self.width), min(y + blob.shape[0], self.height)
        if xa < xb and ya < yb:
            scene[ya:yb, xa:xb] += blob[ya - y:yb - y, xa - x:xb - x] * (255 * strength)

    def _finish(self, scene: np.ndarray, light: float) -> np.ndarray:
        scene *= light
        scene += self._noise[self._frame_no % len(self._noise)]
        self._frame_no += 1
        gray = np.clip(scene, 0, 255).astype(np.uint8)
        return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)


def _glare_blob(height: int) -> np.ndarray:
    """A soft round reflection, drawn once and added wherever the screen catches the light."""
    size = int(height * 0.5) | 1
    blob = np.zeros((size, size), np.float32)
    cv2.circle(blob, (size // 2, size // 2), int(height * 0.12), 1.0, -1)
    return cv2.GaussianBlur(blob, (0, 0), height * 0.05)


def _bounds(matrix: np.ndarray, shape: tuple[int, ...], width: int,
            height: int) -> tuple[int, int, int, int] | None:
    """The frame box (x0, y0, x1, y1) the warped card covers, clipped; None when off frame."""
    h, w = shape[:2]
    corners = np.array([[[0, 0], [w, 0], [w, h], [0, h]]], np.float32)
    points = cv2.perspectiveTransform(corners, matrix)[0]
    x0, y0 = np.floor(points.min(axis=0)).astype(int) - 2
    x1, y1 = np.ceil(points.max(axis=0)).astype(int) + 2
    x0, y0, x1, y1 = max(int(x0), 0), max(int(y0), 0), min(int(x1), width), min(int(y1), height)
    return (x0, y0, x1, y1) if x0 < x1 and y0 < y1 else None


def _background(width: int, height: int, rng: np.random.Generator) -> np.ndarray:
    """A booth: a lighting gradient, a counter edge and a few shapes behind the traveller."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    scene = 110 + 50 * (xs / width) + 20 * (ys / height)
    cv2.rectangle(scene, (0, int(height * 0.82)), (width, height), 70, -1)
    for _ in range(6):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height // 2))
        cv2.rectangle(scene, (x, y), (x + int(rng.integers(40, 200)),
                                      y + int(rng.integers(40, 200))),
                      float(rng.uniform(60, 200)), -1)
    return scene.astype(np.float32)


def _motion_blur(region: np.ndarray, pixels_per_frame: float) -> None:
    """Blur the region in place along the motion, over the distance moved in half a frame."""
    length = int(min(max(pixels_per_frame * 0.5, 1), 61))
    if length >= 2:
        cv2.blur(region, (length, 1), dst=region)
