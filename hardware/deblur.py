"""Image clean-up for blurred, dim camera frames: contrast stretch, unsharp mask, Wiener filter."""

from __future__ import annotations

import cv2
import numpy as np


def stretch_contrast(gray: np.ndarray) -> np.ndarray:
    """Map the 1st-99th percentile range to 0-255, so dim frames use the full range."""
    low, high = np.percentile(gray[::4, ::4], (1, 99))
    if high - low < 4:
        return gray
    lut = np.clip((np.arange(256, dtype=np.float32) - low) * (255.0 / (high - low)), 0, 255)
    return cv2.LUT(gray, lut.astype(np.uint8))


def sharpen(gray: np.ndarray, sigma: float, amount: float) -> np.ndarray:
    """Unsharp mask: undoes part of a defocus blur of about `sigma` pixels."""
    blurred = cv2.GaussianBlur(gray, (0, 0), sigma)
    return cv2.addWeighted(gray, 1.0 + amount, blurred, -amount, 0)


def wiener_deblur(gray: np.ndarray, sigma: float, noise_ratio: float) -> np.ndarray:
    """Invert a Gaussian blur of `sigma` pixels; `noise_ratio` keeps sensor noise in check."""
    height, width = gray.shape
    padded_h, padded_w = cv2.getOptimalDFTSize(height), cv2.getOptimalDFTSize(width)
    image = cv2.copyMakeBorder(gray.astype(np.float32) / 255.0, 0, padded_h - height, 0,
                               padded_w - width, cv2.BORDER_REPLICATE)
    fy = np.fft.fftfreq(padded_h)[:, None]
    fx = np.fft.rfftfreq(padded_w)[None, :]
    blur = np.exp(-2.0 * np.pi**2 * sigma**2 * (fx**2 + fy**2))
    restored = np.fft.irfft2(np.fft.rfft2(image) * blur / (blur * blur + noise_ratio),
                             s=(padded_h, padded_w))[:height, :width]
    return np.clip(restored * 255.0, 0, 255).astype(np.uint8)
