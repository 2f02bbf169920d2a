"""A strict CBOR reader for signed codes: plain types only, every size and depth bounded.

cbor2 turns tags into Python objects as it reads (a decimal fraction with a huge exponent,
a bignum, a regular expression, shared references that make cycles), and some of those cost
seconds or more to use. Declarations need none of it: this reader knows unsigned and negative
integers, byte and text strings, arrays, maps, false, true and null, with definite lengths,
and only the tags its caller names. Foreign certificates may also carry finite floats and
indefinite lengths, which their `Limits` allow. Anything else raises CborError before it is
built.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

# 2^53: the integers every JSON and JavaScript reader holds exactly; no claim needs more.
MAX_INT = 2**53


class CborError(ValueError):
    """Bytes that are not CBOR this reader accepts; the message says what was refused."""


@dataclass(frozen=True)
class Limits:
    """How much a hostile input may make this reader build."""

    max_depth: int = 8
    max_items: int = 1024  # every value, key and element counts
    max_string: int = 16384  # bytes in one byte or text string
    max_int: int = MAX_INT  # magnitude bound for integers
    floats: bool = False  # finite half, single and double floats
    indefinite: bool = False  # indefinite-length strings, arrays and maps


@dataclass(frozen=True)
class Tagged:
    """A tag the caller allowed, around its value."""

    tag: int
    value: Any


def loads(data: bytes, limits: Limits = Limits(), tags: Collection[int] = ()) -> Any:
    """Decode exactly one CBOR item filling `data`; raises CborError on anything else."""
    reader = _Reader(data, limits, frozenset(tags))
    value = reader.item(0)
    if reader.pos != len(data):
        raise CborError(f"{len(data) - reader.pos} bytes after the CBOR item")
    return value


_BREAK = object()
_FLOATS = {25: (2, ">e"), 26: (4, ">f"), 27: (8, ">d")}


class _Reader:
    def __init__(self, data: bytes, limits: Limits, tags: frozenset[int]) -> None:
        self.data = data
        self.pos = 0
        self.limits = limits
        self.tags = tags
        self.budget = limits.max_items

    def take(self, n: int) -> bytes:
        end = self.pos + n
        if end > len(self.data):
            raise CborError("truncated")
        chunk = self.data[self.pos:end]
        self.pos = end
        return chunk

    def argument(self, info: int) -> int | None:
        """The item's argument; None for an indefinite length."""
        if info < 24:
            return info
        if info <= 27:
            return int.from_bytes(self.take(1 << (info - 24)), "big")
        if info == 31:
            if not self.limits.indefinite:
                raise CborError("indefinite lengths are not accepted")
            return None
        raise CborError(f"reserved additional information {info}")

    def item(self, depth: int, allow_break: bool = False) -> Any:
        if depth > self.limits.max_depth:
            raise CborError("nested too deep")
        self.budget -= 1
        if self.budget < 0:
            raise CborError("too many items")
        initial = self.take(1)[0]
        major, info = initial >> 5, initial & 0x1F
        if major == 7:
            return self.simple(info, allow_break)
        arg = self.argument(info)
        if major == 0:
            return self.integer(arg)
        if major == 1:
            return -1 - self.integer(arg)
        if major in (2, 3):
            return self.string(major, arg, depth)
        if major == 4:
            return self.array(arg, depth)
        if major == 5:
            return self.map(arg, depth)
        if arg is None or arg not in self.tags:
            raise CborError(f"CBOR tag {arg} not accepted")
        return Tagged(arg, self.item(depth + 1))

    def integer(self, arg: int | None) -> int:
        if arg is None:
            raise CborError("indefinite integer")
        if arg >= self.limits.max_int:
            raise CborError(f"integer beyond ±{self.limits.max_int}")
        return arg

    def string(self, major: int, length: int | None, depth: int) -> bytes | str:
        if length is None:
            return self.chunked(major, depth)
        if length > self.limits.max_string:
            raise CborError(f"string of {length} bytes is too long")
        raw = self.take(length)
        if major == 2:
            return raw
        try:
            return raw.decode("utf-8")  # strict: lone surrogates and bad bytes are refused
        except UnicodeDecodeError:
            raise CborError("text string is not UTF-8") from None

    def chunked(self, major: int, depth: int) -> bytes | str:
        kind = bytes if major == 2 else str
        chunks: list[Any] = []
        size = 0
        while (chunk := self.item(depth + 1, allow_break=True)) is not _BREAK:
            if type(chunk) is not kind:
                raise CborError("indefinite string chunk of another type")
            size += len(chunk)
            if size > self.limits.max_string:
                raise CborError(f"string of over {size} bytes is too long")
            chunks.append(chunk)
        return b"".join(chunks) if major == 2 else "".join(chunks)

    def array(self, length: int | None, depth: int) -> list[Any]:
        if length is None:
            out = []
            while (value := self.item(depth + 1, allow_break=True)) is not _BREAK:
                out.append(value)
            return out
        if length > self.budget:
            raise CborError("too many items")
        return [self.item(depth + 1) for _ in range(length)]

    def map(self, length: int | None, depth: int) -> dict[Any, Any]:
        if length is not None and 2 * length > self.budget:
            raise CborError("too many items")
        out: dict[Any, Any] = {}
        while length is None or len(out) < length:
            key = self.item(depth + 1, allow_break=length is None)
            if key is _BREAK:
                break
            if type(key) not in (int, str):
                raise CborError("map key is neither integer nor text")
            if key in out:  # two readers could each believe a different value
                raise CborError(f"duplicate map key {key!r}")
            out[key] = self.item(depth + 1)
        return out

    def simple(self, info: int, allow_break: bool) -> Any:
        if info == 20:
            return False
        if info == 21:
            return True
        if info == 22:
            return None
        if info == 23 and self.limits.floats:
            return None  # undefined: only in the looser certificates' CBOR
        if info in _FLOATS and self.limits.floats:
            size, fmt = _FLOATS[info]
            value = struct.unpack(fmt, self.take(size))[0]
            if not math.isfinite(value):
                raise CborError("non-finite float")
            return value
        if info == 31 and allow_break:
            return _BREAK
        raise CborError(f"CBOR simple value or float ({info}) not accepted")
