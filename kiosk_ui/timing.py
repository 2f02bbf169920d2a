"""Scan-to-verdict times as the staff see them: decoder returned → verdict on screen."""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class TimingSummary:
    """Count, median and 95th percentile in milliseconds."""

    count: int
    p50_ms: float
    p95_ms: float
    max_ms: float


class ScanTimings:
    """Collects one duration per verdict shown; thread-safe."""

    def __init__(self) -> None:
        self._ms: list[float] = []
        self._lock = threading.Lock()

    def add(self, ms: float) -> None:
        """Record one scan-to-verdict duration."""
        with self._lock:
            self._ms.append(ms)

    def values(self) -> list[float]:
        """All durations recorded so far."""
        with self._lock:
            return list(self._ms)

    def summary(self) -> TimingSummary:
        """Median and p95 of everything recorded (zeros when empty)."""
        return summarize(self.values())


def summarize(values: list[float]) -> TimingSummary:
    """Nearest-rank median and p95 of durations in ms."""
    if not values:
        return TimingSummary(0, 0.0, 0.0, 0.0)
    ordered = sorted(values)

    def rank(q: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]

    return TimingSummary(len(ordered), round(rank(0.50), 3), round(rank(0.95), 3),
                         round(ordered[-1], 3))
