"""The zxing-cpp engine: QR codes only, text taken from declared ECI or valid UTF-8 bytes."""

from __future__ import annotations

import numpy as np
import zxingcpp

from hardware.decode_text import text_from_eci_stream, text_from_payload
from hardware.decode_types import Corners, DecodedCode

ENGINE = "zxing"
# Symbology identifiers ]Q2, ]Q4 and ]Q6 say the symbol carries an ECI designator.
_ECI_IDENTIFIERS = frozenset({b"]Q2", b"]Q4", b"]Q6"})
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
                  return_errors: bool = False, is_pure: bool = False) -> list[zxingcpp.Barcode]:
    """zxing-cpp's raw results for QR codes; with `return_errors`, located-but-unread ones too."""
    return zxingcpp.read_barcodes(
        gray, formats=_QR_ONLY, try_rotate=try_harder,
        try_downscale=try_harder, try_invert=try_harder, text_mode=zxingcpp.TextMode.HexECI,
        binarizer=binarizer, return_errors=return_errors, is_pure=is_pure)


def decoded_from_zxing(result: zxingcpp.Barcode, engine: str = ENGINE) -> DecodedCode:
    """A zxing result (read with HexECI text) as a DecodedCode; text only from ECI or UTF-8."""
    raw = bytes(result.bytes)
    # HexECI text is the ECI-protocol stream: a symbology identifier (]Q2, ]Q4, ]Q6 when the
    # symbol declares charsets) then the payload with its `\dddddd` designators, in hex.
    stream = bytes.fromhex(result.text)
    if stream[:3] in _ECI_IDENTIFIERS:
        text = text_from_eci_stream(stream[3:])
    else:
        text = text_from_payload(raw)
    return DecodedCode(raw=raw, text=text, engine=engine, corners=_corners(result.position))


def _corners(position: zxingcpp.Position) -> Corners:
    points = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    return tuple((point.x, point.y) for point in points)
