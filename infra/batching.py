"""Grouping waiting events into one MQTT message each, for the kiosk link and the gateway."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from infra.wire import MAX_BATCH_BYTES, MAX_BATCH_EVENTS


class HasPayload(Protocol):
    """Anything queued for sending: an event's JSON bytes."""

    @property
    def payload(self) -> bytes:
        """The event's JSON."""
        ...


E = TypeVar("E", bound=HasPayload)
LOOKAHEAD = 4 * MAX_BATCH_EVENTS


def fill_batch(next_entry: Callable[[], E | None], push_back: Callable[[E], None],
               same_message: Callable[[E, E], bool] = lambda _a, _b: True) -> list[E]:
    """The next entries that fit one message with the first, in order; the rest go back.

    Only what is already waiting is taken, so a lone live event leaves at once and a backlog
    leaves MAX_BATCH_EVENTS at a time. Entries for another message (another kiosk's, whose
    events interleave in a gateway's outbox) are looked past, up to LOOKAHEAD, and put back in
    their order, so each kiosk's backlog still travels in full batches.
    """
    first = next_entry()
    if first is None:
        return []
    batch, size, others = [first], len(first.payload), []
    for _ in range(LOOKAHEAD):
        if len(batch) >= MAX_BATCH_EVENTS:
            break
        entry = next_entry()
        if entry is None:
            break
        if not same_message(first, entry):
            others.append(entry)
            continue
        if size + len(entry.payload) > MAX_BATCH_BYTES:
            others.append(entry)
            break
        batch.append(entry)
        size += len(entry.payload) + 1
    for entry in reversed(others):
        push_back(entry)
    return batch
