"""Decoding frames: every engine on generated frames and real photos; no mojibake, no wrong."""

from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np
import pytest
import segno

from hardware.bench_decode import find_cases, judge
from hardware.corpus_gen import (
    Conditions,
    camera_samples,
    cccd_line,
    render_code,
    render_frame,
    vietnamese_samples,
)
from hardware.decode import ENGINES, FrameError, decode_frame, to_gray

SHARED_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "zxing-qrcode"
CCCD = ("001099012345|123456789|Nguyễn Thị Ánh Tuyết|01021999|Nữ|"
        "Số 12 Ngõ 34, Phường Hoàn Kiếm, Hà Nội|15082021")
ALL_ENGINES = sorted(ENGINES)


def code_image(code: segno.QRCode, module_px: int = 6, inverted: bool = False) -> np.ndarray:
    """A clean photo-like BGR image of a segno code on a grey card."""
    image = render_code(np.array(code.matrix, dtype=np.uint8), module_px)
    if inverted:
        image = 255 - image
    framed = cv2.copyMakeBorder(image, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=128)
    return cv2.cvtColor(framed, cv2.COLOR_GRAY2BGR)


@pytest.mark.parametrize("engine", ALL_ENGINES)
@pytest.mark.parametrize("inverted", [False, True])
def test_cccd_line_without_eci_decodes_exactly(engine: str, inverted: bool) -> None:
    frame = code_image(segno.make_qr(CCCD.encode("utf-8")), inverted=inverted)
    codes = decode_frame(frame, engine)
    assert [code.text for code in codes] == [CCCD]
    assert codes[0].raw == CCCD.encode("utf-8")
    assert len(codes[0].corners) == 4


@pytest.mark.parametrize("engine", ALL_ENGINES)
def test_legacy_charset_bytes_never_become_text(engine: str) -> None:
    # A Vietnamese name in the Windows-1258 code page, no ECI: a guess would be mojibake.
    raw = "Đư\u0301c Hà Nô\u0323i".encode("cp1258")
    codes = decode_frame(code_image(segno.make_qr(raw)), engine)
    assert [(code.raw, code.text) for code in codes] == [(raw, None)]


@pytest.mark.parametrize("engine", ALL_ENGINES)
def test_declared_eci_charset_is_honoured(engine: str) -> None:
    code = segno.make_qr("Łódź żółw", encoding="iso-8859-2", eci=True)
    assert [c.text for c in decode_frame(code_image(code), engine)] == ["Łódź żółw"]


@pytest.mark.parametrize("engine", ALL_ENGINES)
def test_latin1_bytes_without_eci_are_not_guessed(engine: str) -> None:
    raw = "Café crème".encode("iso-8859-1")
    assert [(c.raw, c.text) for c in decode_frame(code_image(segno.make_qr(raw)), engine)] == [
        (raw, None)]


@pytest.mark.parametrize("engine", ALL_ENGINES)
def test_vietnamese_corpus_is_exact_with_every_engine(engine: str) -> None:
    for sample in vietnamese_samples(8, seed=5):
        assert judge(sample.text, [c.text for c in decode_frame(sample.image, engine)
                                   if c.text is not None]) == "ok", sample.name


def test_auto_reads_hard_camera_frames_and_never_wrongly() -> None:
    outcomes = [judge(sample.text, [c.text for c in decode_frame(sample.image, "auto")
                                    if c.text is not None])
                for sample in camera_samples(24, seed=11)]
    assert outcomes.count("wrong") == 0
    assert outcomes.count("ok") >= 21


def test_auto_recovers_a_blurred_dim_frame_plain_zxing_misses() -> None:
    rng = random.Random(3)
    text = cccd_line(rng)
    conditions = Conditions(module_px=4, perspective=0.1, blur_sigma=1.9, brightness=0.3,
                            noise_sigma=2.0, inverted=False)
    frame = render_frame(text, conditions, rng)
    assert [c.text for c in decode_frame(frame, "zxing")] == []
    assert [c.text for c in decode_frame(frame, "auto")] == [text]


@pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="shared zxing corpus not present")
@pytest.mark.parametrize(("engine", "floor"), [("auto", 160), ("zxing", 150), ("zbar", 140)])
def test_real_photos_no_wrong_decodes(engine: str, floor: int) -> None:
    cases, _ = find_cases(SHARED_CORPUS)
    outcomes = []
    for case in cases:
        frame = cv2.imread(str(case.image), cv2.IMREAD_UNCHANGED)
        assert frame is not None, case.image
        texts = [c.text for c in decode_frame(frame, engine) if c.text is not None]
        outcomes.append(judge(case.expected, texts))
    assert len(outcomes) == 179
    assert outcomes.count("wrong") == 0
    assert outcomes.count("ok") >= floor


@pytest.mark.parametrize("engine", ALL_ENGINES)
def test_frames_without_codes_give_nothing(engine: str) -> None:
    rng = np.random.default_rng(1)
    noise = rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)
    assert decode_frame(noise, engine) == []
    assert decode_frame(np.zeros((720, 1280), np.uint8), engine) == []


@pytest.mark.parametrize("engine", ALL_ENGINES)
@pytest.mark.parametrize("shape", [(1, 1), (1, 500), (500, 1), (20, 20), (50, 300)])
def test_tiny_and_thin_frames_give_nothing(engine: str, shape: tuple[int, int]) -> None:
    assert decode_frame(np.full(shape, 128, np.uint8), engine) == []


def test_strided_views_are_read() -> None:
    frame = code_image(segno.make_qr(CCCD.encode("utf-8")))
    wide = np.repeat(frame, 2, axis=1)[:, ::2]  # a non-contiguous view, as slicing gives
    assert [c.text for c in decode_frame(wide, "auto")] == [CCCD]


@pytest.mark.parametrize("bad", [np.zeros((0, 0, 3), np.uint8), np.zeros((10, 10), np.float32),
                                 np.zeros((4, 4, 2), np.uint8), None])
def test_malformed_frames_raise_frame_error(bad: object) -> None:
    with pytest.raises(FrameError):
        decode_frame(bad)  # type: ignore[arg-type]


def test_unknown_engine_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        decode_frame(np.zeros((10, 10), np.uint8), "opencv")


def test_gray_conversion_accepts_camera_layouts() -> None:
    bgr = np.full((4, 4, 3), 200, np.uint8)
    assert to_gray(bgr).shape == (4, 4)
    assert to_gray(cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA)).shape == (4, 4)
    assert to_gray(bgr[:, :, :1]).shape == (4, 4)


def test_auto_reads_a_wavy_code_plain_zxing_and_zbar_miss() -> None:
    text = "Đỗ Ưng Hoà|01021999"
    code = render_code(np.array(segno.make_qr(text.encode(), error="l", version=3).matrix,
                                dtype=np.uint8), 6)
    card = cv2.copyMakeBorder(code, 30, 30, 30, 30, cv2.BORDER_CONSTANT, value=255)
    ys, xs = np.mgrid[0:card.shape[0], 0:card.shape[1]].astype(np.float32)
    # A card bent in two directions: a homography cannot follow it.
    map_x = xs + 2 * np.sin(ys / 90 * 2 * np.pi + 1)
    map_y = ys + 2 * np.sin(xs / 90 * 2 * np.pi)
    bent = cv2.GaussianBlur(cv2.remap(card, map_x, map_y, cv2.INTER_LINEAR, borderValue=255),
                            (0, 0), 1.0)
    assert decode_frame(bent, "zxing") == [] and decode_frame(bent, "zbar") == []
    assert [c.text for c in decode_frame(bent, "auto")] == [text]


def test_auto_does_not_deblur_a_textured_scene_without_a_code(monkeypatch):
    """A live camera mostly sees scenes with no code: refining the whole frame cost ~1 s."""
    import hardware.decode_auto as auto

    calls = []
    real = auto.wiener_deblur
    monkeypatch.setattr(auto, "wiener_deblur", lambda *a, **k: calls.append(a) or real(*a, **k))
    rng = np.random.default_rng(7)
    scene = rng.integers(0, 255, (720, 1280), dtype=np.uint8)
    assert decode_frame(scene, "auto") == []
    assert calls == []
