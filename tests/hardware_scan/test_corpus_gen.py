"""The synthetic corpora are what docs/scan.md says they are."""

from __future__ import annotations

import random

import numpy as np

from hardware.corpus_gen import (
    ALL_DIACRITICS,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    _place,
    camera_conditions,
    render_code,
    vietnamese_samples,
)


def test_camera_conditions_stay_in_their_ranges() -> None:
    rng = random.Random(1)
    for _ in range(500):
        tied = camera_conditions(rng, inverted=False)
        assert tied.module_px in (3, 4, 5)
        assert 0.3 * tied.module_px - 0.01 <= tied.blur_sigma <= 0.5 * tied.module_px + 0.01
        assert 0 <= tied.perspective <= 0.2 and 0.15 <= tied.brightness <= 1.0
        stress = camera_conditions(rng, inverted=False, fixed_blur=True)
        assert 1.5 <= stress.blur_sigma <= 2.5


def test_codes_are_placed_wholly_inside_the_frame() -> None:
    rng = random.Random(2)
    code = render_code(np.ones((45, 45), np.uint8), 5).astype(np.float32)
    for _ in range(30):
        _, mask = _place(code, rng, perspective=0.2)
        assert mask.shape == (FRAME_HEIGHT, FRAME_WIDTH)
        assert mask.sum() > 0.3 * code.shape[0] ** 2
        # A code cut by the frame edge would cover the outermost rows or columns.
        border = np.concatenate([mask[0], mask[-1], mask[:, 0], mask[:, -1]])
        assert border.max() < 0.5


def test_vietnamese_corpus_has_every_diacritic_and_inverted_codes() -> None:
    samples = list(vietnamese_samples(8))
    letters = set(ALL_DIACRITICS.replace(" ", ""))
    seen = set("".join(sample.text.lower() for sample in samples))
    assert letters <= seen
    assert any(sample.conditions.inverted for sample in samples)
    assert all(sample.image.shape == (FRAME_HEIGHT, FRAME_WIDTH) for sample in samples)
