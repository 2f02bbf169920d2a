"""The zbar engine in binary mode: raw payload bytes (no charset guessing), inverted codes too.

pyzbar's own `decode()` lets zbar guess a legacy charset, so this drives libzbar through
`pyzbar.wrapper` with ZBAR_CFG_BINARY on the QR symbology and ZBAR_CFG_TEST_INVERTED.
"""

from __future__ import annotations

import ctypes
import threading

import cv2
import numpy as np
from pyzbar import wrapper as zbar

from hardware.decode_text import text_from_payload
from hardware.decode_types import Corners, DecodedCode

ENGINE = "zbar"
# zbar.h (0.23+) values; pyzbar's ZBarConfig enum predates them.
ZBAR_CFG_BINARY = 4
ZBAR_CFG_TEST_INVERTED = 0x81
_FOURCC_Y800 = int.from_bytes(b"Y800", "little")
_MIN_RETRY_SIDE = 64

_local = threading.local()


def _scanner() -> ctypes.c_void_p:
    """One configured zbar scanner per thread (zbar scanners are not thread-safe)."""
    scanner = getattr(_local, "scanner", None)
    if scanner is None:
        scanner = zbar.zbar_image_scanner_create()
        qr = zbar.ZBarSymbol.QRCODE
        zbar.zbar_image_scanner_set_config(scanner, zbar.ZBarSymbol.NONE,
                                           zbar.ZBarConfig.CFG_ENABLE, 0)
        zbar.zbar_image_scanner_set_config(scanner, qr, zbar.ZBarConfig.CFG_ENABLE, 1)
        zbar.zbar_image_scanner_set_config(scanner, qr, ZBAR_CFG_BINARY, 1)
        zbar.zbar_image_scanner_set_config(scanner, zbar.ZBarSymbol.NONE,
                                           ZBAR_CFG_TEST_INVERTED, 1)
        _local.scanner = scanner
    return scanner


def read_zbar(gray: np.ndarray, engine: str = ENGINE) -> list[DecodedCode]:
    """Decode the QR codes in an 8-bit grayscale image with zbar (binary mode, inverted too).

    zbar's finder misses some sharp, slightly tilted codes that it reads once resampled, so an
    empty first scan is retried at 3/4 scale.
    """
    codes = scan_zbar(gray, engine)
    if codes or min(gray.shape[:2]) < _MIN_RETRY_SIDE:
        return codes
    smaller = cv2.resize(gray, None, fx=0.75, fy=0.75, interpolation=cv2.INTER_AREA)
    return [DecodedCode(raw=code.raw, text=code.text, engine=code.engine,
                        corners=tuple((round(x / 0.75), round(y / 0.75)) for x, y in code.corners))
            for code in scan_zbar(smaller, engine)]


def scan_zbar(gray: np.ndarray, engine: str = ENGINE) -> list[DecodedCode]:
    """One zbar scan of the image as it is."""
    pixels = np.ascontiguousarray(gray, dtype=np.uint8)
    height, width = pixels.shape
    image = zbar.zbar_image_create()
    try:
        zbar.zbar_image_set_format(image, _FOURCC_Y800)
        zbar.zbar_image_set_size(image, width, height)
        data = pixels.tobytes()
        zbar.zbar_image_set_data(image, data, len(data), None)
        if zbar.zbar_scan_image(_scanner(), image) <= 0:
            return []
        codes = []
        symbol = zbar.zbar_image_first_symbol(image)
        while symbol:
            raw = ctypes.string_at(zbar.zbar_symbol_get_data(symbol),
                                   zbar.zbar_symbol_get_data_length(symbol))
            codes.append(DecodedCode(raw=raw, text=text_from_payload(raw), engine=engine,
                                     corners=_corners(symbol)))
            symbol = zbar.zbar_symbol_next(symbol)
        return codes
    finally:
        zbar.zbar_image_destroy(image)


def _corners(symbol: ctypes.c_void_p) -> Corners:
    count = zbar.zbar_symbol_get_loc_size(symbol)
    return tuple((zbar.zbar_symbol_get_loc_x(symbol, index),
                  zbar.zbar_symbol_get_loc_y(symbol, index)) for index in range(count))
