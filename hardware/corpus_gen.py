"""Synthetic decode corpora: 1280x720 camera-like frames and Vietnamese payloads, with answers.

Every image is written as `NAME.png` beside `NAME.txt` (the exact payload, UTF-8), the layout
`chot bench decode` reads. Generation is seeded, so a corpus can be rebuilt bit for bit.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import segno

FRAME_WIDTH = 1280
FRAME_HEIGHT = 720
QUIET_ZONE_MODULES = 4

GIVEN_NAMES = ["Nguyễn Thị Ánh Tuyết", "Trần Văn Đức", "Lê Hoàng Phương", "Phạm Ngọc Ẩn",
               "Hoàng Thị Thuỳ Dương", "Vũ Đình Hưng", "Đặng Quốc Khải", "Bùi Thị Mỹ Lệ",
               "Đỗ Ưng Hoà", "Hồ Thị Yến Nhi", "Ngô Bảo Châu", "Dương Thị Ngọc Hân",
               "Lý Thường Kiệt", "Trịnh Công Sơn", "Mai Thị Huỳnh Ơn", "Tạ Quang Bửu"]
STREETS = ["Số 12 Ngõ 34, Phường Hoàn Kiếm, Hà Nội",
           "Thôn Ỷ La, Xã Dương Nội, Quận Hà Đông, Hà Nội",
           "Ấp Mỹ Phước, Xã Tân Hưng, Huyện Cái Bè, Tiền Giang",
           "Khóm Ở Ẵ Ẳ, Phường Ẹ Ẽ Ẻ, Thành phố Cần Thơ",
           "Số 7 Đường Lê Lợi, Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh",
           "Bản Ủng Ửng, Xã Mường Tè, Huyện Mường Tè, Lai Châu",
           "Tổ 5, Phường Quỳnh Lôi, Quận Hai Bà Trưng, Hà Nội",
           "Xóm Đồng Ỳ, Xã Ỹ Ỵ, Huyện Đức Thọ, Hà Tĩnh"]
# Every Vietnamese vowel with every tone mark, upper and lower case, plus đ/Đ.
ALL_DIACRITICS = ("aàáảãạ ăằắẳẵặ âầấẩẫậ eèéẻẽẹ êềếểễệ iìíỉĩị oòóỏõọ ôồốổỗộ ơờớởỡợ "
                  "uùúủũụ ưừứửữự yỳýỷỹỵ đ")


@dataclass(frozen=True)
class Sample:
    """One generated image and the text it must decode to."""

    name: str
    image: np.ndarray
    text: str
    conditions: Conditions


def cccd_line(rng: random.Random) -> str:
    """A CCCD citizen-ID QR payload in the card's `|`-separated layout, 7 or 6 fields."""
    card_id = f"{rng.randrange(1, 97):03d}{rng.randrange(0, 10**9):09d}"
    old_id = f"{rng.randrange(10**8, 10**9)}"
    name = rng.choice(GIVEN_NAMES)
    born = f"{rng.randrange(1, 29):02d}{rng.randrange(1, 13):02d}{rng.randrange(1940, 2010)}"
    gender = rng.choice(["Nam", "Nữ"])
    issued = f"{rng.randrange(1, 29):02d}{rng.randrange(1, 13):02d}{rng.randrange(2016, 2026)}"
    fields = [card_id, old_id, name, born, gender, rng.choice(STREETS), issued]
    if rng.random() < 0.25:
        del fields[1]
    return "|".join(fields)


def all_diacritics_address(rng: random.Random) -> str:
    """An address line followed by every Vietnamese vowel/tone combination, in one case."""
    letters = ALL_DIACRITICS if rng.random() < 0.5 else ALL_DIACRITICS.upper()
    return f"{rng.choice(STREETS)} — {letters}"


def camera_payload(rng: random.Random) -> str:
    """A payload of the kinds a checkpoint sees: CCCD lines, URLs, signed-declaration text."""
    kind = rng.random()
    if kind < 0.4:
        return cccd_line(rng)
    if kind < 0.6:
        return f"https://khaibaoyte.vn/d/{rng.getrandbits(64):016x}"
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    body = "".join(rng.choice(alphabet) for _ in range(rng.randrange(40, 160)))
    return "VN1:" + body


def qr_modules(text: str, error: str = "m") -> np.ndarray:
    """The QR module matrix (1 = dark) of the text as UTF-8 bytes in byte mode, no ECI."""
    code = segno.make_qr(text.encode("utf-8"), error=error, boost_error=False)
    return np.array(code.matrix, dtype=np.uint8)


def render_code(modules: np.ndarray, module_px: int) -> np.ndarray:
    """Dark-on-light grayscale image of the code with its quiet zone, `module_px` per module."""
    padded = np.pad(modules, QUIET_ZONE_MODULES)
    light = np.where(padded == 1, 0, 255).astype(np.uint8)
    return cv2.resize(light, None, fx=module_px, fy=module_px, interpolation=cv2.INTER_NEAREST)


def _background(rng: random.Random, np_rng: np.random.Generator) -> np.ndarray:
    """A cluttered scene: a lighting gradient plus random boxes and lines, like a desk or a hand."""
    ys, xs = np.mgrid[0:FRAME_HEIGHT, 0:FRAME_WIDTH].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * xs + np.sin(angle) * ys) / FRAME_WIDTH
    scene = 140 + 60 * ramp + np_rng.normal(0, 6, (FRAME_HEIGHT, FRAME_WIDTH))
    for _ in range(rng.randrange(4, 12)):
        x, y = rng.randrange(FRAME_WIDTH), rng.randrange(FRAME_HEIGHT)
        w, h = rng.randrange(20, 300), rng.randrange(20, 300)
        cv2.rectangle(scene, (x, y), (x + w, y + h), rng.uniform(30, 230), -1)
    for _ in range(rng.randrange(3, 10)):
        p1 = (rng.randrange(FRAME_WIDTH), rng.randrange(FRAME_HEIGHT))
        p2 = (rng.randrange(FRAME_WIDTH), rng.randrange(FRAME_HEIGHT))
        cv2.line(scene, p1, p2, rng.uniform(0, 255), rng.randrange(1, 6))
    return scene.astype(np.float32)


def _place(code: np.ndarray, rng: random.Random, perspective: float) -> tuple[np.ndarray,
                                                                              np.ndarray]:
    """Warp the code into the frame at a random spot, any rotation, corners jittered.

    Returns (warped code as float gray, mask of where the code's paper lies).
    """
    size = code.shape[0]
    if size * 1.6 > FRAME_HEIGHT:
        raise ValueError(f"a {size} px code does not fit a {FRAME_HEIGHT} px frame at any angle")
    half = size / 2
    src = np.array([[0, 0], [size, 0], [size, size], [0, size]], dtype=np.float32)
    corners = np.array([[-half, -half], [half, -half], [half, half], [-half, half]])
    while True:
        angle = rng.uniform(0, 2 * np.pi)
        jitter = np.array([[rng.uniform(-1, 1) * perspective * size for _ in range(2)]
                           for _ in range(4)])
        rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        shape = (corners + jitter) @ rotation.T
        low, high = shape.min(axis=0), shape.max(axis=0)
        # The whole code, quiet zone included, stays inside the frame.
        cx = rng.uniform(-low[0], FRAME_WIDTH - high[0])
        cy = rng.uniform(-low[1], FRAME_HEIGHT - high[1])
        if -low[0] < FRAME_WIDTH - high[0] and -low[1] < FRAME_HEIGHT - high[1]:
            break
    dst = (shape + [cx, cy]).astype(np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(code.astype(np.float32), matrix, (FRAME_WIDTH, FRAME_HEIGHT),
                                 flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.ones_like(code, dtype=np.float32), matrix,
                               (FRAME_WIDTH, FRAME_HEIGHT), flags=cv2.INTER_LINEAR)
    return warped, mask


@dataclass(frozen=True)
class Conditions:
    """How one synthetic frame was degraded (written beside it as NAME.metadata.txt)."""

    module_px: int
    perspective: float
    blur_sigma: float
    brightness: float
    noise_sigma: float
    inverted: bool

    def as_metadata(self) -> str:
        """key=value lines, the same layout as the zxing corpus' metadata files."""
        return "".join(f"{key}={value}\n" for key, value in vars(self).items())


def camera_conditions(rng: random.Random, inverted: bool,
                      fixed_blur: bool = False) -> Conditions:
    """Poor camera conditions: 3-5 px modules, perspective up to 20 %, blur, low light, noise.

    Blur sigma is 1.5-2.5 px at 5 px modules and scales with the module (0.3-0.5 module): a code
    held closer is both bigger and further out of focus, and past half a module the blur erases
    single modules outright, leaving nothing any decoder could read. `fixed_blur` draws sigma
    1.5-2.5 px whatever the module size instead (the stress variant).
    """
    module_px = rng.choice([3, 4, 5])
    perspective = round(rng.uniform(0, 0.2), 3)
    blur = rng.uniform(1.5, 2.5) if fixed_blur else module_px * rng.uniform(0.3, 0.5)
    return Conditions(module_px=module_px, perspective=perspective, blur_sigma=round(blur, 2),
                      brightness=round(rng.uniform(0.15, 1.0), 2),
                      noise_sigma=round(rng.uniform(1.0, 4.0), 2), inverted=inverted)


def id_card_conditions(rng: random.Random, inverted: bool) -> Conditions:
    """An ID card held up to the camera: sharp enough for any decoder, slightly tilted.

    This corpus tests text handling, not optics, so every engine must be able to see the code.
    """
    return Conditions(module_px=5, perspective=round(rng.uniform(0, 0.03), 3),
                      blur_sigma=round(rng.uniform(0.3, 0.8), 2),
                      brightness=round(rng.uniform(0.6, 1.0), 2), noise_sigma=1.5,
                      inverted=inverted)


def render_frame(text: str, conditions: Conditions, rng: random.Random,
                 error: str = "m") -> np.ndarray:
    """A 1280x720 grayscale frame of the text's QR code, any rotation, on a cluttered scene."""
    np_rng = np.random.default_rng(rng.getrandbits(32))
    code = render_code(qr_modules(text, error), conditions.module_px).astype(np.float32)
    if conditions.inverted:
        code = 255 - code
    warped, mask = _place(code, rng, conditions.perspective)
    paper = 0.8 + 0.2 * rng.random()
    scene = _background(rng, np_rng) * (1 - mask) + warped * paper * mask
    scene = cv2.GaussianBlur(scene, (0, 0), conditions.blur_sigma)
    scene *= conditions.brightness
    scene += np_rng.normal(0, conditions.noise_sigma, scene.shape)
    return np.clip(scene, 0, 255).astype(np.uint8)


def camera_samples(count: int, seed: int = 720, fixed_blur: bool = False) -> Iterator[Sample]:
    """The 720p camera corpus as BGR frames (what a camera delivers), one in ten inverted."""
    rng = random.Random(seed)
    for index in range(count):
        text = camera_payload(rng)
        conditions = camera_conditions(rng, inverted=index % 10 == 9, fixed_blur=fixed_blur)
        frame = cv2.cvtColor(render_frame(text, conditions, rng), cv2.COLOR_GRAY2BGR)
        yield Sample(f"frame-{index:04d}", frame, text, conditions)


def vietnamese_samples(count: int, seed: int = 84) -> Iterator[Sample]:
    """The Vietnamese corpus: CCCD lines and all-diacritic addresses, UTF-8 without ECI."""
    rng = random.Random(seed)
    for index in range(count):
        text = cccd_line(rng) if index % 3 else all_diacritics_address(rng)
        conditions = id_card_conditions(rng, inverted=index % 4 == 3)
        yield Sample(f"vi-{index:04d}", render_frame(text, conditions, rng, error="l"), text,
                     conditions)


def write_corpus(out: Path, camera_count: int = 200, vietnamese_count: int = 60,
                 fixed_blur_count: int = 0) -> dict[str, int]:
    """Write the corpora under `out/camera-720p`, `out/vietnamese` (and, when asked for,
    `out/camera-720p-fixed-blur`); returns the count per folder."""
    written: dict[str, int] = {}
    corpora = [("camera-720p", camera_count, camera_samples(camera_count)),
               ("vietnamese", vietnamese_count, vietnamese_samples(vietnamese_count)),
               ("camera-720p-fixed-blur", fixed_blur_count,
                camera_samples(fixed_blur_count, seed=1720, fixed_blur=True))]
    for folder, count, samples in corpora:
        if count == 0:
            continue
        target = out / folder
        target.mkdir(parents=True, exist_ok=True)
        written[folder] = 0
        for sample in samples:
            cv2.imwrite(str(target / f"{sample.name}.png"), sample.image)
            (target / f"{sample.name}.txt").write_text(sample.text, encoding="utf-8")
            (target / f"{sample.name}.metadata.txt").write_text(sample.conditions.as_metadata())
            written[folder] += 1
    return written
