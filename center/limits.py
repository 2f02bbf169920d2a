"""Caps that keep one post from swamping the center: a message rate and a quarantine budget.

Both are counted per post (a gateway's login can only publish its own post's topics), so a
hostile or broken post is held back while every other post goes on as before.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

# A message costs one token per started 64 KiB, so a 1 MB message weighs as 16 small ones.
COST_UNIT_BYTES = 64 * 1024
POSTS_TRACKED = 10_000


@dataclass
class TokenBucket:
    """`rate_per_s` tokens a second, holding at most `burst`; starts full."""

    rate_per_s: float
    burst: float
    tokens: float = -1.0
    at: float = 0.0

    def take(self, cost: float, now: float) -> bool:
        """Spend `cost` tokens if there are enough; False (nothing spent) if not."""
        if self.tokens < 0:
            self.tokens, self.at = self.burst, now
        self.tokens = min(self.burst, self.tokens + max(0.0, now - self.at) * self.rate_per_s)
        self.at = now
        if self.tokens < cost:
            return False
        self.tokens -= cost
        return True


class PostRate:
    """A token bucket per post; `rate_per_s` 0 lets everything through."""

    def __init__(self, rate_per_s: float, burst: float) -> None:
        self.rate_per_s, self.burst = rate_per_s, burst
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    def admit(self, post: str, size: int, now: float) -> bool:
        """Whether a message of `size` bytes from `post` may be taken in now."""
        if self.rate_per_s <= 0:
            return True
        bucket = self._buckets.get(post)
        if bucket is None:
            bucket = self._buckets[post] = TokenBucket(self.rate_per_s, self.burst)
            if len(self._buckets) > POSTS_TRACKED:  # topics an attacker makes up, unbounded
                self._buckets.popitem(last=False)
        self._buckets.move_to_end(post)
        return bucket.take(max(1, -(-size // COST_UNIT_BYTES)), now)


class QuarantineBudget:
    """At most `per_hour` quarantine rows per post per clock hour; the rest only counted."""

    def __init__(self, per_hour: int) -> None:
        self.per_hour = per_hour
        self._hour = -1
        self._used: dict[str | None, int] = {}

    def admit(self, post: str | None, now: float) -> bool:
        """Whether one more message of `post` may be kept in the quarantine table."""
        hour = int(now // 3600)
        if hour != self._hour:
            self._hour, self._used = hour, {}
        used = self._used.get(post, 0)
        if used >= self.per_hour:
            return False
        self._used[post] = used + 1
        return True
