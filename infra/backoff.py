"""Reconnect delays: exponential backoff with full jitter, so posts that lost the uplink
together do not all hammer the provincial broker at the same instant when it returns."""

from __future__ import annotations

import random


def backoff_delay(attempt: int, minimum: float, maximum: float,
                  rand: random.Random | None = None) -> float:
    """Seconds to wait before reconnect attempt `attempt` (1, 2, …): uniform in
    [minimum, min(maximum, minimum * 2**(attempt-1))]."""
    if attempt < 1:
        return 0.0
    ceiling = min(maximum, minimum * 2 ** min(attempt - 1, 30))
    return (rand or random).uniform(minimum, max(minimum, ceiling))
