"""The zxing-cpp engine: QR codes only, text taken from declared ECI or valid UTF-8 bytes."""

from __future__ import annotations

import numpy as np
import zxingcpp

from hardware.decode_text import is_printable_text, text_from_payload
from hardware.decode_types import Corners, DecodedCode

ENGINE = "zxing"
# Symbology identifiers ]Q2, ]Q4 and ]Q6 say the symbol carries an ECI designator.
_ECI_IDENTIFIERS = frozenset({"]Q2", "]Q4", "]Q6"})
_QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


def read_zxing(gray: np.ndarray, *, try_harder: bool = True,
               binarizer: zxingcpp.Binarizer = zxingcpp.Binarizer.LocalAverage,
               engine: str = ENGINE) -> list[DecodedCode]:
    """Decode the QR codes in an 8-bit grayscale image with zxing-cpp.

    `try_harder` enables zxing's own rotated, inverted and downscaled passes.
    """
    results = zxing_results(gray, try_harder=try_harder, binarizer=binarizer)
    return [decoded_from_zxing(result, engine) for result in results]


def zxing_results(gray: np.ndarray, *, try_harder: bool = True,
                  binarizer: zxingcpp.Binarizer = zxingcpp.Binarizer.LocalAverage,
                  return_errors: bool = False) -> list[zxingcpp.Barcode]:
    """zxing-cpp's raw results for QR codes; with `return_errors`, located-but-unread ones too."""
    return zxingcpp.read_barcodes(
        gray, formats=_QR_ONLY, try_rotate=try_harder,
        try_downscale=try_harder, try_invert=try_harder, text_mode=zxingcpp.TextMode.Plain,
        binarizer=binarizer, return_errors=return_errors)


def decoded_from_zxing(result: zxingcpp.Barcode, engine: str = ENGINE) -> DecodedCode:
    """A valid zxing result as a DecodedCode, with text only from ECI or valid UTF-8."""
    raw = bytes(result.bytes)
    if result.symbology_identifier in _ECI_IDENTIFIERS:
        # zxing transcoded the bytes with the charset the symbol itself declares.
        declared = result.content_type != zxingcpp.ContentType.UnknownECI
        text = result.text if declared and is_printable_text(result.text) else None
    else:
        text = text_from_payload(raw)
    return DecodedCode(raw=raw, text=text, engine=engine, corners=_corners(result.position))


def _corners(position: zxingcpp.Position) -> Corners:
    points = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    return tuple((point.x, point.y) for point in points)
