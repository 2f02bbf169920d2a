"""Sending a durable store's events until they are acknowledged: the kiosk link's and the relay's.

Events leave in the store's order, several to a message (infra.batching), at most `window`
events unacknowledged by the broker at a time and, when `max_awaiting` is given (the relay),
at most that many sent and not yet acknowledged by the center, so a large backlog drains at
the center's pace instead of piling up ack deadlines that expire before the center reaches
them (a resend storm), and the memory held stays the same whatever the backlog. (A kiosk has
no such cap: it hands everything to its gateway, which holds the post's backlog.) Each event
then waits for the center's ack; one whose ack does not come is read back from the store and
sent again, each time waiting twice as long (capped), sooner when the broker refused it or had
no subscriber for it. The store is the truth: a restart, or forget(), starts sending afresh
from it, and the ends drop duplicates.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from infra.batching import fill_batch
from infra.mqtt import failed

LOAD_CHUNK = 1000
RETRY_CAP_S = 3600.0  # the longest wait for an ack before sending again
REFUSED_RETRY_CAP_S = 60.0  # a refused publish is tried again at least this often
NO_MATCHING_SUBSCRIBERS = 0x10
NO_SUBSCRIBERS_RETRY_S = 2.0


class Sendable(Protocol):
    """An event as read from the store: its id and the exact JSON bytes."""

    @property
    def event_id(self) -> str:
        """The event's ULID."""
        ...

    @property
    def payload(self) -> bytes:
        """The event's JSON."""
        ...


E = TypeVar("E", bound=Sendable)


class EventSource(Protocol[E]):
    """The durable store events are sent from: a kiosk's journal, a gateway's outbox."""

    def pending(self, after: int, limit: int) -> list[E]:
        """Unacknowledged events after position `after`, in order."""
        ...

    def get(self, handles: Sequence[Any]) -> list[E]:
        """The still-unacknowledged events among these handles."""
        ...


@dataclass
class Waiting:
    """An event sent, waiting for the center's ack."""

    handle: Hashable
    attempts: int
    due: float


@dataclass(frozen=True)
class Outcome(Generic[E]):
    """What the broker's PUBACK said about one message of ours."""

    batch: list[E]
    refused: bool
    unrouted: bool  # taken, but no subscriber had it delivered


class ReliableSender(Generic[E]):
    """The send, resend and ack bookkeeping of one link; called from one thread only."""

    def __init__(self, source: EventSource[E], ack_timeout_s: float, window: int,
                 position: Callable[[E], int], handle: Callable[[E], Hashable],
                 contiguous: bool,
                 same_message: Callable[[E, E], bool] = lambda _a, _b: True,
                 max_awaiting: int | None = None) -> None:
        # position: the entry's place in the store (journal seq, outbox rowid); handle: what
        # source.get() takes back; contiguous: fresh entries follow the last one exactly.
        self.source, self.ack_timeout_s, self.window = source, ack_timeout_s, window
        self.max_awaiting = max_awaiting
        self._position, self._handle, self._contiguous = position, handle, contiguous
        self._same_message = same_message
        self.inflight_events = 0
        self._inflight: dict[int, list[E]] = {}
        self._waiting: dict[str, Waiting] = {}
        self._due: list[tuple[float, str]] = []
        self._loaded: deque[E] = deque()
        self._retry: deque[E] = deque()
        self._cursor = 0
        self._more = True

    @property
    def awaiting_ack(self) -> int:
        """Events sent and not yet acknowledged by the center."""
        return len(self._waiting)

    @property
    def held_in_memory(self) -> int:
        """Events read from the store (or handed fresh) and held here until they are sent."""
        return len(self._loaded) + len(self._retry)

    def forget(self) -> None:
        """Start afresh from the store: what was in flight goes again, late PUBACKs of the
        old window are ignored."""
        self._inflight.clear()
        self._waiting.clear()
        self._due.clear()
        self._loaded.clear()
        self._retry.clear()
        self._cursor, self._more, self.inflight_events = 0, True, 0

    def stored(self, entries: Sequence[E]) -> None:
        """Fresh entries just committed to the store (sent from memory when nothing older
        waits there, else read back in order)."""
        if not entries:
            return
        first = self._position(entries[0])
        follows = first == self._cursor + 1 if self._contiguous else first > self._cursor
        # Kept in memory only while few wait: a backlog stays on disk (read back in order).
        if not self._more and follows and len(self._loaded) + len(entries) <= LOAD_CHUNK:
            self._loaded.extend(entries)
            self._cursor = self._position(entries[-1])
        else:
            self._more = True

    def send(self, publish: Callable[[list[E]], int | None]) -> int:
        """Publish batches while the window has room; publish returns the message id, or
        None when the client would not take it. Returns how many events went."""
        sent = 0
        # The window counts events, not messages: a batch must not multiply what is held.
        while self.inflight_events < self.window:
            batch = fill_batch(self._next_entry, self._retry.appendleft, self._same_message)
            if not batch:
                break
            mid = publish(batch)
            if mid is None:
                self._retry.extendleft(reversed(batch))
                break
            self._inflight[mid] = batch
            self.inflight_events += len(batch)
            sent += len(batch)
        return sent

    def published(self, mid: int, reason: int, now: float) -> Outcome[E] | None:
        """The broker's PUBACK for message `mid`; None if it is not one of ours (any more)."""
        batch = self._inflight.pop(mid, None)
        if batch is None:
            return None
        self.inflight_events -= len(batch)
        refused = failed(reason)
        for entry in batch:
            self._wait_for_ack(entry, reason, refused, now)
        return Outcome(batch, refused, not refused and reason == NO_MATCHING_SUBSCRIBERS)

    def _wait_for_ack(self, entry: E, reason: int, refused: bool, now: float) -> None:
        waiting = self._waiting.get(entry.event_id)
        attempts = waiting.attempts + 1 if waiting else 1
        if refused:
            delay = min(REFUSED_RETRY_CAP_S, 2.0 ** attempts)
        else:
            delay = min(RETRY_CAP_S, self.ack_timeout_s * 2 ** (attempts - 1))
            if reason == NO_MATCHING_SUBSCRIBERS:
                # Nobody has subscribed yet (first start, expired session): the broker
                # dropped it, so try again soon rather than after the full ack timeout.
                delay = min(delay, NO_SUBSCRIBERS_RETRY_S * 2 ** (attempts - 1))
        self._waiting[entry.event_id] = Waiting(self._handle(entry), attempts, now + delay)
        heapq.heappush(self._due, (now + delay, entry.event_id))

    def resend_due(self, now: float) -> int:
        """Queue again the events whose ack has not come in time; returns how many."""
        handles: list[Hashable] = []
        while self._due and self._due[0][0] <= now:
            due, event_id = heapq.heappop(self._due)
            waiting = self._waiting.get(event_id)
            if waiting is not None and waiting.due == due:
                waiting.due = float("inf")
                handles.append(waiting.handle)
        if not handles:
            return 0
        entries = self.source.get(handles)
        self._retry.extend(entries)
        return len(entries)

    def acked(self, event_ids: Sequence[str]) -> int:
        """The center acknowledged these; returns how many were waiting here."""
        return sum(self._waiting.pop(event_id, None) is not None for event_id in event_ids)

    def _next_entry(self) -> E | None:
        if self._retry:
            return self._retry.popleft()  # already counted among those awaiting an ack
        if self.max_awaiting is not None and \
                len(self._waiting) + self.inflight_events >= self.max_awaiting:
            return None  # fresh ones wait until the center has acknowledged some
        if not self._loaded and self._more:
            chunk = self.source.pending(self._cursor, LOAD_CHUNK)
            if chunk:
                self._cursor = self._position(chunk[-1])
                self._loaded.extend(chunk)
            else:
                self._more = False
        return self._loaded.popleft() if self._loaded else None
