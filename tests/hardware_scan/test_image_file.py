"""Image files are sized from their header before decoding: a bomb is refused at once."""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.image_file import MAX_IMAGE_PIXELS, ImageRefused, read_image_file
from tests.hardware_scan.image_bombs import jpeg_claiming, png_bomb


def test_a_png_bomb_is_refused_from_its_header_without_decoding(tmp_path: Path):
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_bomb(16_000))  # 256 Mpx behind a few hundred KB
    assert bomb.stat().st_size < 1_000_000
    started = time.process_time()
    refused = read_image_file(bomb)
    spent = time.process_time() - started
    assert isinstance(refused, ImageRefused) and refused.reason == "image_too_large"
    assert "16000 × 16000" in refused.detail
    assert spent < 0.5  # the header alone; decoding it took seconds


def test_a_jpeg_claiming_too_many_pixels_is_refused(tmp_path: Path):
    path = tmp_path / "big.jpg"
    path.write_bytes(jpeg_claiming(20_000, 20_000))
    refused = read_image_file(path)
    assert isinstance(refused, ImageRefused) and refused.reason == "image_too_large"


def test_images_under_the_cap_are_decoded(tmp_path: Path):
    small = tmp_path / "small.png"
    small.write_bytes(png_bomb(300))
    frame = read_image_file(small)
    assert isinstance(frame, np.ndarray) and frame.shape == (300, 300, 3)
    photo = tmp_path / "photo.jpg"
    cv2.imwrite(str(photo), np.full((720, 1280, 3), 200, np.uint8))
    assert read_image_file(photo).shape == (720, 1280, 3)  # type: ignore[union-attr]
    # The cap is a parameter: the same small image refused under a smaller one.
    assert read_image_file(small, max_pixels=300 * 299).reason == "image_too_large"  # type: ignore[union-attr]
    assert MAX_IMAGE_PIXELS >= 8160 * 6144  # a 50-megapixel phone photo still reads


def test_files_that_are_no_image_are_unreadable(tmp_path: Path):
    (tmp_path / "text.png").write_text("hello")
    (tmp_path / "folder.png").mkdir()
    for name in ("text.png", "folder.png", "missing.png"):
        refused = read_image_file(tmp_path / name)
        assert isinstance(refused, ImageRefused) and refused.reason == "image_unreadable", name


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"RIFF", b"BM", b""]),
       st.binary(max_size=300))
def test_any_bytes_give_a_frame_or_a_reason_never_an_exception(tmp_path_factory, magic, rest):
    path = tmp_path_factory.mktemp("fuzz") / "image"
    path.write_bytes(magic + rest)
    result = read_image_file(path, max_pixels=10_000)
    assert isinstance(result, np.ndarray) or result.reason in ("image_unreadable",
                                                               "image_too_large")
