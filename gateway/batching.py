"""Grouping waiting events into one MQTT message each, for the kiosk link and the gateway."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from gateway.wire import MAX_BATCH_BYTES, MAX_BATCH_EVENTS


class HasPayload(Protocol):
    """Anything queued for sending: an event's JSON bytes."""

    @property
    def payload(self) -> bytes:
        """The event's JSON."""
        ...


E = TypeVar("E", bound=HasPayload)


def fill_batch(next_entry: Callable[[], E | None], push_back: Callable[[E], None],
               same_message: Callable[[E, E], bool] = lambda _a, _b: True) -> list[E]:
    """The next entries, in order, that fit one message; the first one that does not goes back.

    Only what is already waiting is taken, so a lone live event leaves at once and a backlog
    leaves MAX_BATCH_EVENTS at a time.
    """
    first = next_entry()
    if first is None:
        return []
    batch, size = [first], len(first.payload)
    while len(batch) < MAX_BATCH_EVENTS:
        entry = next_entry()
        if entry is None:
            break
        if not same_message(first, entry) or size + len(entry.payload) > MAX_BATCH_BYTES:
            push_back(entry)
            break
        batch.append(entry)
        size += len(entry.payload) + 1
    return batch
