"""This shift's scans as the staff see them: the verdict, then any confirm or override."""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass

from screening.event import ScanEvent
from screening.verdict import Outcome


@dataclass
class ShiftEntry:
    """One scan of this shift and what staff did about it."""

    event: ScanEvent
    source: str
    confirmed: bool = False
    override: Outcome | None = None
    override_reason: str = ""
    revealed: bool = False

    @property
    def outcome(self) -> Outcome:
        """The outcome in force: staff's override, else the machine's verdict."""
        return self.override or self.event.verdict.outcome

    def search_text(self) -> str:
        """Everything a search can match, folded to plain lowercase ASCII."""
        scan = self.event.scan
        parts = [str(self.outcome), self.source]
        if scan.identity:
            parts += [scan.identity.name, scan.identity.id_number]
        if scan.travel:
            parts += [scan.travel.vehicle_plate, scan.travel.origin.label(),
                      scan.travel.destination.label()]
        return fold(" ".join(parts))


class ShiftLog:
    """The entries of this shift, newest last, with counters by outcome."""

    def __init__(self) -> None:
        self.entries: list[ShiftEntry] = []

    def add(self, event: ScanEvent, source: str) -> ShiftEntry:
        """Append a new scan and return its entry."""
        entry = ShiftEntry(event, source)
        self.entries.append(entry)
        return entry

    @property
    def latest(self) -> ShiftEntry | None:
        """The newest entry, the one on the verdict card."""
        return self.entries[-1] if self.entries else None

    def counts(self) -> Counter[Outcome]:
        """How many travellers got each outcome (after overrides)."""
        return Counter(entry.outcome for entry in self.entries)

    def search(self, query: str) -> list[ShiftEntry]:
        """Entries whose text contains every word of the query, ignoring accents and case."""
        words = fold(query).split()
        return [e for e in self.entries if all(w in e.search_text() for w in words)]


def fold(text: str) -> str:
    """Lowercase without Vietnamese diacritics ('Đà Nẵng' → 'da nang') for searching."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
