"""Chunked SMART Health Card codes (`shc:/C/N/digits`) joined across consecutive scans.

A card too large for one QR code was split into N codes (deprecated since 2022, still in
wallets). The joiner takes scans in any order and gives the whole `shc:/digits` code once it
holds every chunk 1..N of one card; any other code in between starts over. Pure: the caller
feeds it texts and decides when a half-read card is forgotten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CHUNK = re.compile(r"shc:/(\d{1,2})/(\d{1,2})/(\d*)", re.IGNORECASE)
MAX_CHUNKS = 9  # the specification's largest card splits into far fewer


@dataclass(frozen=True)
class Pending:
    """Chunks of one card read so far, out of `total`."""

    have: int
    total: int


@dataclass(frozen=True)
class Whole:
    """A code ready to be read: a joined card, or a scan that was never a chunk."""

    text: str


def chunk_of(text: str) -> tuple[int, int, str] | None:
    """(C, N, digits) of a chunk code `shc:/C/N/digits` with 1 <= C <= N <= 9, else None."""
    match = CHUNK.fullmatch(text.strip())
    if match is None:
        return None
    index, total, digits = int(match[1]), int(match[2]), match[3]
    return (index, total, digits) if 1 <= index <= total <= MAX_CHUNKS else None


@dataclass
class ShcChunks:
    """Joins the chunks of one card from consecutive scans."""

    total: int = 0
    parts: dict[int, str] = field(default_factory=dict)

    def add(self, text: str) -> Pending | Whole:
        """Take one scanned text: the whole card once complete, its progress, or the text
        itself when it is not a chunk (which forgets any half-read card)."""
        chunk = chunk_of(text)
        if chunk is None:
            self.clear()
            return Whole(text)
        index, total, digits = chunk
        if total != self.total or self.parts.get(index, digits) != digits:
            self.clear()  # another card: start over with this chunk
        self.total = total
        self.parts[index] = digits
        if len(self.parts) < total:
            return Pending(len(self.parts), total)
        joined = "shc:/" + "".join(self.parts[i] for i in range(1, total + 1))
        self.clear()
        return Whole(joined)

    def clear(self) -> None:
        """Forget a half-read card."""
        self.total, self.parts = 0, {}
