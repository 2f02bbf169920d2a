"""Caps that keep one post from swamping the center: a fair share and a quarantine budget.

Both are counted per post (a gateway's login can only publish its own post's topics), so a
hostile or broken post is held back while every other post goes on as before.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from itertools import islice

# A message costs one per event it carries, and no less than one per started 4 KiB, so junk
# megabytes without a single event weigh as the events they could have carried.
COST_UNIT_BYTES = 4 * 1024
EVENT_KEY = b'"event_id"'
POSTS_TRACKED = 10_000


def events_in(payload: bytes) -> int:
    """How many events a message carries, counted without parsing it (at least one)."""
    return max(1, payload.count(EVENT_KEY))


def cost_of(payload: bytes) -> int:
    """What a message weighs against its post's share: its events, or its size in 4 KiB."""
    return max(events_in(payload), -(-len(payload) // COST_UNIT_BYTES))


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


class FairShare:
    """Each post's share of the center, counted in events: a share, not a cap.

    A post within `share_per_s` (plus `burst`) is always taken in. Beyond it, a post is still
    taken in while every other post has been quiet for `quiet_s` (a gateway draining a
    backlog may use the whole center), and held back as soon as another post sends.
    `share_per_s` 0 takes everything in.
    """

    def __init__(self, share_per_s: float, burst: float, quiet_s: float) -> None:
        self.share_per_s, self.burst, self.quiet_s = share_per_s, burst, quiet_s
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()
        self._active: OrderedDict[str, float] = OrderedDict()  # post → last message, oldest first

    def admit(self, post: str, cost: int, now: float) -> bool:
        """Whether a message of `cost` events from `post` may be taken in now."""
        others_busy = self._others_active(post, now)
        self._active[post] = now
        self._active.move_to_end(post)
        if len(self._active) > POSTS_TRACKED:  # topics an attacker makes up, unbounded
            self._active.popitem(last=False)
        if self.share_per_s <= 0:
            return True
        bucket = self._buckets.get(post)
        if bucket is None:
            bucket = self._buckets[post] = TokenBucket(self.share_per_s, self.burst)
            if len(self._buckets) > POSTS_TRACKED:
                self._buckets.popitem(last=False)
        self._buckets.move_to_end(post)
        return bucket.take(cost, now) or not others_busy

    def contended(self, now: float) -> bool:
        """Whether more than one post has sent within `quiet_s`."""
        recent = list(islice(reversed(self._active.values()), 2))
        return len(recent) == 2 and now - recent[1] <= self.quiet_s

    def _others_active(self, post: str, now: float) -> bool:
        for other, at in reversed(self._active.items()):
            if now - at > self.quiet_s:
                return False
            if other != post:
                return True
        return False


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
