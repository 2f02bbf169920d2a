"""The EU distribution service's revocation slices: Bloom filters and partial-hash lists.

Verifier apps do not get the EU's hashes themselves but slices of them per signer kid, cut
by the hash's leading hex characters (the list's mode) and stored either as a Bloom filter
(dgc-bloomfilter) or as a list of hash prefixes (dgca-partialvarhashfilter), both
big-endian binaries. A slice may answer "listed" for a hash that is not (its stated false
positive rate); it never misses one that is.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from enum import StrEnum

BLOOM_HEADER = struct.Struct(">hbbfiii")  # version, k, hash function, p, declared, current, L
PREFIXES_HEADER = struct.Struct(">hfib")  # version, p, n, prefix size
MAX_SLICE_BYTES = 8 * 1024 * 1024
MIN_PREFIX = 4


class SliceError(ValueError):
    """A slice binary that is not a Bloom filter or prefix list as the EU writes them."""


class Mode(StrEnum):
    """How a kid's hashes are cut into partitions and chunks, by their count."""

    POINT = "POINT"  # chunk = hex[0]
    VECTOR = "VECTOR"  # partition = hex[0], chunk = hex[1]
    COORDINATE = "COORDINATE"  # partition = hex[0] + hex[1], chunk = hex[2]


def position(digest: bytes, mode: Mode) -> tuple[str, str]:
    """(partition id, chunk id) of a hash: hex characters of its lowercase hex form, as the
    service's code cuts them ("null" is the one partition of POINT mode)."""
    text = digest.hex()
    if mode is Mode.POINT:
        return "null", text[0]
    if mode is Mode.VECTOR:
        return text[0], text[1]
    return text[:2], text[2]


@dataclass(frozen=True)
class BloomFilter:
    """A Bloom filter slice: k bits per element in m = 32·L bits."""

    k: int
    words: tuple[int, ...]

    def __contains__(self, element: bytes) -> bool:
        bits = 32 * len(self.words)
        for i in range(self.k):
            digest = hashlib.sha256(element + bytes([i])).digest()
            bit = int.from_bytes(digest, "big", signed=True) % bits
            if not self.words[bit // 32] & (0x80000000 >> (bit % 32)):
                return False
        return True


@dataclass(frozen=True)
class PrefixList:
    """A partial-hash slice: the first `size` bytes of every listed hash."""

    size: int
    prefixes: frozenset[bytes]

    def __contains__(self, element: bytes) -> bool:
        return element[:self.size] in self.prefixes


Slice = BloomFilter | PrefixList


def read_slice(data: bytes, kind: str = "BLOOMFILTER") -> Slice:
    """A slice from its binary: `kind` BLOOMFILTER or VARHASHLIST; raises SliceError."""
    if len(data) > MAX_SLICE_BYTES:
        raise SliceError(f"slice of {len(data)} bytes")
    try:
        if kind == "BLOOMFILTER":
            _version, k, _hash_fn, _p, _declared, _current, count = \
                BLOOM_HEADER.unpack_from(data)
            if not 0 < k <= 64 or count <= 0 or len(data) != BLOOM_HEADER.size + 4 * count:
                raise SliceError("Bloom filter header does not fit its length")
            words = struct.unpack_from(f">{count}I", data, BLOOM_HEADER.size)
            return BloomFilter(k, words)
        if kind == "VARHASHLIST":
            _version, _p, count, size = PREFIXES_HEADER.unpack_from(data)
            body = data[PREFIXES_HEADER.size:]
            if size < MIN_PREFIX or count < 0 or len(body) != count * size:
                raise SliceError("prefix list header does not fit its length")
            return PrefixList(size, frozenset(body[i:i + size]
                                              for i in range(0, len(body), size)))
    except struct.error as exc:
        raise SliceError(f"truncated slice: {exc}") from None
    raise SliceError(f"unknown slice type {kind[:20]!r}")


def write_bloom(elements: list[bytes], k: int = 10, words: int = 64) -> bytes:
    """A Bloom filter slice as the EU service writes it (for tests and the bench)."""
    bits = [0] * words
    for element in elements:
        for i in range(k):
            bit = int.from_bytes(hashlib.sha256(element + bytes([i])).digest(), "big",
                                 signed=True) % (32 * words)
            bits[bit // 32] |= 0x80000000 >> (bit % 32)
    return BLOOM_HEADER.pack(1, k, 0, 1e-6, len(elements), len(elements), words) + \
        struct.pack(f">{words}I", *bits)


def write_prefixes(elements: list[bytes], size: int = 8) -> bytes:
    """A partial-hash slice as the EU service writes it (for tests and the bench)."""
    return PREFIXES_HEADER.pack(1, 1e-6, len(elements), size) + \
        b"".join(e[:size] for e in elements)
