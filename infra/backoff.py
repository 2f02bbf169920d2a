"""Retry delays: exponential backoff, with full jitter where many clients retry together.

Posts that lost the uplink together must not all hammer the provincial broker at the same
instant when it returns, so broker links jitter; a kiosk's own camera, reader or thermometer
has nobody to collide with and retries on the plain doubling schedule.
"""

from __future__ import annotations

import random


def backoff_delay(attempt: int, minimum: float, maximum: float,
                  rand: random.Random | None = None, jitter: bool = True) -> float:
    """Seconds to wait before retry `attempt` (1, 2, …): the ceiling min(maximum,
    minimum * 2**(attempt-1)), or with jitter uniform in [minimum, that ceiling]."""
    if attempt < 1:
        return 0.0
    ceiling = max(minimum, min(maximum, minimum * 2 ** min(attempt - 1, 30)))
    if not jitter:
        return ceiling
    return (rand or random).uniform(minimum, ceiling)


class Backoff:
    """The delays of one retrying loop: each failure waits longer, a success starts over."""

    def __init__(self, minimum: float, maximum: float, jitter: bool = True,
                 rand: random.Random | None = None) -> None:
        self.minimum, self.maximum, self.jitter, self._rand = minimum, maximum, jitter, rand
        self.attempt = 0

    def next_delay(self) -> float:
        """The wait before the next try, one step longer than the last."""
        self.attempt += 1
        return backoff_delay(self.attempt, self.minimum, self.maximum, self._rand, self.jitter)

    def reset(self) -> None:
        """It worked: the next failure waits the minimum again."""
        self.attempt = 0
