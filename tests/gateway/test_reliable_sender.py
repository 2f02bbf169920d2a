"""The one sender of the relay and the kiosk link, over a real kiosk journal: window, resend
schedule, refusals, acks (the broker is the only part played here: its PUBACKs are given)."""

from __future__ import annotations

from pathlib import Path

from infra.reliable_sender import REFUSED_RETRY_CAP_S, ReliableSender
from kiosk_ui.journal import Entry, Journal
from sim.load import run_load

NOT_AUTHORIZED, NO_SUBSCRIBERS, SUCCESS = 0x87, 0x10, 0


def sender_over(tmp_path: Path, events: int, window: int = 1000,
                ack_timeout_s: float = 30.0) -> tuple[Journal, ReliableSender[Entry]]:
    journal = Journal(tmp_path / "k.db", "P01", "K1")
    run_load(journal, events, rate=0)
    return journal, ReliableSender(journal, ack_timeout_s, window, position=lambda e: e.seq,
                                   handle=lambda e: e.seq, contiguous=True)


class Broker:
    """Takes every message and numbers it, as a connected paho client would."""

    def __init__(self) -> None:
        self.messages: list[list[Entry]] = []

    def publish(self, batch: list[Entry]) -> int:
        self.messages.append(batch)
        return len(self.messages)

    def events(self) -> list[int]:
        return [entry.seq for batch in self.messages for entry in batch]


def test_a_backlog_leaves_in_order_within_the_window(tmp_path: Path) -> None:
    _journal, sender = sender_over(tmp_path, 1000, window=300)
    broker = Broker()
    first = sender.send(broker.publish)
    # The window counts events, not messages: it stops once 300 are out (a batch is whole).
    assert 300 <= first < 300 + 200 and sender.inflight_events == first
    assert broker.events() == list(range(1, first + 1))
    assert sender.send(broker.publish) == 0
    while len(broker.events()) < 1000:
        for mid in range(1, len(broker.messages) + 1):
            sender.published(mid, SUCCESS, now=0.0)
        assert sender.send(broker.publish) > 0
    assert broker.events() == list(range(1, 1001))


def test_unacknowledged_events_go_again_twice_as_late_each_time_until_acked(
        tmp_path: Path) -> None:
    journal, sender = sender_over(tmp_path, 3, ack_timeout_s=10.0)
    broker = Broker()
    sender.send(broker.publish)
    sender.published(1, SUCCESS, now=0.0)
    assert sender.resend_due(9.9) == 0 and sender.resend_due(10.0) == 3
    sender.send(broker.publish)
    sender.published(2, SUCCESS, now=10.0)
    assert sender.resend_due(29.9) == 0 and sender.resend_due(30.0) == 3  # 20 s the 2nd time
    sender.send(broker.publish)
    sender.published(3, SUCCESS, now=30.0)
    ids = [entry.event_id for entry in journal.pending(0, 10)]
    assert sender.acked(ids[:2]) == 2 and sender.awaiting_ack == 1
    journal.ack(ids[:2])
    assert sender.resend_due(1e6) == 1  # only the one still unacknowledged


def test_refused_and_unrouted_events_are_tried_again_soon(tmp_path: Path) -> None:
    _journal, sender = sender_over(tmp_path, 2, ack_timeout_s=600.0)
    broker = Broker()
    sender.send(broker.publish)
    outcome = sender.published(1, NOT_AUTHORIZED, now=0.0)
    assert outcome is not None and outcome.refused and len(outcome.batch) == 2
    assert sender.resend_due(2.0) == 2  # 2 s after the first refusal, not 600
    for _ in range(8):  # refused again and again: 4, 8, 16, 32, then 60 s at most
        sender.send(broker.publish)
        sender.published(len(broker.messages), NOT_AUTHORIZED, now=0.0)
        if sender.resend_due(REFUSED_RETRY_CAP_S - 0.1) == 0:
            break
    assert sender.resend_due(REFUSED_RETRY_CAP_S) == 2  # never longer than the cap
    sender.send(broker.publish)
    outcome = sender.published(len(broker.messages), NO_SUBSCRIBERS, now=0.0)
    assert outcome is not None and outcome.unrouted and not outcome.refused


def test_fresh_events_go_from_memory_and_a_forgotten_window_starts_over(
        tmp_path: Path) -> None:
    journal, sender = sender_over(tmp_path, 2)
    broker = Broker()
    sender.send(broker.publish)
    fresh = journal.record_many([lambda header: _Event(header.event_id, header.seq)])
    sender.stored([Entry(3, fresh[0]["event_id"], b"{}")])
    assert sender.send(broker.publish) == 1 and broker.events() == [1, 2, 3]
    sender.forget()
    assert sender.published(1, SUCCESS, now=0.0) is None  # a PUBACK of the old window
    assert sender.send(broker.publish) == 3 and broker.events()[-3:] == [1, 2, 3]


class _Event:
    def __init__(self, event_id: str, seq: int) -> None:
        self.event_id, self.seq = event_id, seq

    def to_json(self) -> dict[str, object]:
        return {"event_id": self.event_id, "seq": self.seq}
