"""A small, strict CBOR reader for hostile input: bounded depth, items and integers, few tags.

cbor2 decodes bignums, decimal fractions and dozens of tags into Python objects whose
construction can cost seconds (issue 14 item 1); certificates need none of that. This reader
accepts the plain types and only the tags its caller names, and counts every item it makes,
so a hostile code costs at most a few milliseconds.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 16
MAX_ITEMS = 4096
INT_BITS = 64  # CBOR's own integers; bignums (tags 2 and 3) are refused with all other tags


class CborError(ValueError):
    """Bytes that are not CBOR this reader accepts."""


@dataclass(frozen=True)
class Tagged:
    """A tag the caller allowed, around its decoded value."""

    tag: int
    value: Any


def loads(data: bytes, tags: Collection[int] = (), max_items: int = MAX_ITEMS) -> Any:
    """Decode exactly one CBOR item filling `data`; raises CborError on anything else."""
    reader = _Reader(data, frozenset(tags), max_items)
    value = reader.item(0)
    if reader.pos != len(data):
        raise CborError(f"{len(data) - reader.pos} bytes after the CBOR item")
    return value


_BREAK = object()
_FLOATS = {25: (2, ">e"), 26: (4, ">f"), 27: (8, ">d")}


class _Reader:
    def __init__(self, data: bytes, tags: frozenset[int], max_items: int) -> None:
        self.data = data
        self.pos = 0
        self.tags = tags
        self.budget = max_items

    def take(self, n: int) -> bytes:
        end = self.pos + n
        if n < 0 or end > len(self.data):
            raise CborError("truncated")
        chunk = self.data[self.pos:end]
        self.pos = end
        return chunk

    def argument(self, info: int) -> int | None:
        if info < 24:
            return info
        if info == 24:
            return self.take(1)[0]
        if info == 25:
            return int.from_bytes(self.take(2), "big")
        if info == 26:
            return int.from_bytes(self.take(4), "big")
        if info == 27:
            return int.from_bytes(self.take(8), "big")
        if info == 31:
            return None  # indefinite length
        raise CborError(f"reserved additional information {info}")

    def item(self, depth: int, allow_break: bool = False) -> Any:
        if depth > MAX_DEPTH:
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
        return self.tagged(arg, depth)

    def integer(self, arg: int | None) -> int:
        if arg is None:
            raise CborError("indefinite integer")
        return arg

    def string(self, major: int, arg: int | None, depth: int) -> bytes | str:
        if arg is None:
            kind = bytes if major == 2 else str
            chunks: list[Any] = []
            while (chunk := self.item(depth + 1, allow_break=True)) is not _BREAK:
                if type(chunk) is not kind:
                    raise CborError("indefinite string chunk of another type")
                chunks.append(chunk)
            return b"".join(chunks) if major == 2 else "".join(chunks)
        raw = self.take(arg)
        if major == 2:
            return raw
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise CborError("text string is not UTF-8") from None

    def array(self, arg: int | None, depth: int) -> list[Any]:
        if arg is None:
            out = []
            while (value := self.item(depth + 1, allow_break=True)) is not _BREAK:
                out.append(value)
            return out
        if arg > self.budget:
            raise CborError("too many items")
        return [self.item(depth + 1) for _ in range(arg)]

    def map(self, arg: int | None, depth: int) -> dict[Any, Any]:
        if arg is not None and 2 * arg > self.budget:
            raise CborError("too many items")
        out: dict[Any, Any] = {}
        count = 0
        while arg is None or count < arg:
            key = self.item(depth + 1, allow_break=arg is None)
            if key is _BREAK:
                break
            if type(key) not in (int, str):
                raise CborError("map key is neither integer nor text")
            if key in out:
                raise CborError(f"duplicate map key {key!r}")
            out[key] = self.item(depth + 1)
            count += 1
        return out

    def tagged(self, tag: int | None, depth: int) -> Tagged:
        if tag is None or tag not in self.tags:
            raise CborError(f"CBOR tag {tag} not allowed here")
        return Tagged(tag, self.item(depth + 1))

    def simple(self, info: int, allow_break: bool) -> Any:
        if info == 20:
            return False
        if info == 21:
            return True
        if info in (22, 23):
            return None  # null and undefined
        if info in _FLOATS:
            size, fmt = _FLOATS[info]
            value = struct.unpack(fmt, self.take(size))[0]
            if not math.isfinite(value):
                raise CborError("non-finite float")
            return value
        if info == 31 and allow_break:
            return _BREAK
        raise CborError(f"simple value {info} not allowed")
