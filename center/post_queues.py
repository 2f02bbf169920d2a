"""The center's work, queued per post and taken round-robin, counted in events.

A flooding post's messages wait in its own queue; every other post's next message is taken
in the very next batch, whatever the flood has queued (deficit round-robin: each post may
take `quantum` events a round, a bigger message waits for its deficit to grow).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from typing import Generic, TypeVar

Item = TypeVar("Item")


class PostQueues(Generic[Item]):
    """Thread-safe queues of work items, one per post, taken fairly."""

    def __init__(self, quantum: int) -> None:
        self.quantum = quantum
        self._ready = threading.Condition()
        self._queues: OrderedDict[str, deque[tuple[Item, int]]] = OrderedDict()
        self._deficit: dict[str, int] = {}
        self._events = 0

    def put(self, post: str, item: Item, events: int) -> None:
        """Queue one item of `post` weighing `events`."""
        with self._ready:
            self._queues.setdefault(post, deque()).append((item, events))
            self._events += events
            self._ready.notify()

    def put_front(self, post: str, item: Item, events: int) -> None:
        """Queue an item of `post` ahead of its others (the rest of one begun)."""
        with self._ready:
            self._queues.setdefault(post, deque()).appendleft((item, events))
            self._events += events
            self._ready.notify()

    def pending(self) -> int:
        """Events queued, all posts together."""
        with self._ready:
            return self._events

    def take(self, limit: int, timeout: float) -> list[Item]:
        """Wait up to `timeout` for work, then take up to `limit` events round-robin.

        Alone, a post takes up to `limit` at once (a backlog drains in big commits); with
        others waiting, each post takes its quantum per round until `limit` is reached.
        """
        deadline = time.monotonic() + timeout
        with self._ready:
            while not self._queues:
                left = deadline - time.monotonic()
                if (left <= 0 or not self._ready.wait(left)) and not self._queues:
                    return []
            taken: list[Item] = []
            weight = 0
            while self._queues and weight < limit:
                took = self._round(taken, limit - weight)
                if took == 0 and taken:
                    break
                if took == 0:  # one message over the whole limit: it goes alone
                    took = self._pop(next(iter(self._queues)), taken)
                weight += took
            return taken

    def _round(self, taken: list[Item], room: int) -> int:
        """One round over the posts with work; the events taken."""
        weight = 0
        alone = len(self._queues) == 1
        for post in list(self._queues):  # a round ends after every post had its turn
            queue = self._queues[post]
            allowance = room - weight if alone else self._deficit.get(post, 0) + self.quantum
            took = 0
            while queue and queue[0][1] <= allowance - took:
                took += self._pop(post, taken)
            weight += took
            if post in self._queues:
                self._deficit[post] = allowance - took
                self._queues.move_to_end(post)
        return weight

    def _pop(self, post: str, taken: list[Item]) -> int:
        queue = self._queues[post]
        item, events = queue.popleft()
        taken.append(item)
        self._events -= events
        if not queue:
            del self._queues[post]
            self._deficit.pop(post, None)
        return events
