"""Bounded decompression for every code a kiosk reads: a zlib or raw-DEFLATE bomb must not
exhaust it, and nothing may follow the compressed stream."""

from __future__ import annotations

import zlib

ZLIB = zlib.MAX_WBITS  # EU DCC / WHO DDCC: zlib stream with header
RAW_DEFLATE = -zlib.MAX_WBITS  # SMART Health Cards: `zip: DEF`, no header


class Overflow(ValueError):
    """The data inflates past the limit."""


class TrailingData(zlib.error):
    """Bytes follow the end of the compressed stream (one code must have one text)."""


def inflate(data: bytes, wbits: int, limit: int) -> bytes:
    """Decompress one complete stream of at most `limit` bytes; raises zlib.error when the
    data is not such a stream (TrailingData when other bytes follow it), Overflow past it."""
    inflater = zlib.decompressobj(wbits)
    out = inflater.decompress(data, limit)
    if inflater.unconsumed_tail:
        raise Overflow(f"inflates past {limit} bytes")
    if not inflater.eof:
        raise zlib.error("truncated stream")
    if inflater.unused_data:
        raise TrailingData(f"{len(inflater.unused_data)} bytes after the compressed stream")
    return out
