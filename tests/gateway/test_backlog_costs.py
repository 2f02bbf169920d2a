"""A large backlog costs the same memory as a small one, drains without a resend storm, and
leaves no dead space in the outbox once drained (issue 21, costs that stay flat)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from gateway.outbox import Incoming, Outbox, Outgoing
from gateway.relay import AWAITING_PER_WINDOW, RECEIVE_MAXIMUM
from infra.config import BrokerConfig
from infra.mqtt import BrokerLink, make_client
from infra.polling import wait_until
from infra.reliable_sender import LOAD_CHUNK, ReliableSender
from sim.broker import MosquittoBroker


def _incoming(i: int, size: int = 200) -> Incoming:
    event_id = f"01J{i:023d}"
    return Incoming(event_id, "K1", "chot/v1/01/kiosk/P01/K1/events",
                    b'{"event_id":"%s","pad":"%s"}' % (event_id.encode(), b"x" * size))


def _sender(outbox: Outbox, ack_timeout_s: float, window: int) -> ReliableSender[Outgoing]:
    return ReliableSender(outbox, ack_timeout_s, window, position=lambda e: e.rowid,
                          handle=lambda e: e.event_id, contiguous=False,
                          max_awaiting=AWAITING_PER_WINDOW * window)  # as the relay sets it


def _fill(outbox: Outbox, sender: ReliableSender[Outgoing], count: int, commit: int = 50) -> None:
    for start in range(0, count, commit):
        sender.stored(outbox.add([_incoming(i) for i in range(start, start + commit)]).new)


def test_a_backlog_waits_on_disk_not_in_memory_while_the_uplink_is_cut(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "gw.db")
    sender = _sender(outbox, 60.0, 1000)
    assert sender.send(lambda _batch: None) == 0  # all sent so far: fresh ones come from memory
    _fill(outbox, sender, 20 * LOAD_CHUNK)  # nothing sent: the uplink is cut
    assert sender.held_in_memory <= LOAD_CHUNK
    sent: list[str] = []

    def publish(batch: list[Outgoing]) -> int:
        sent.extend(e.event_id for e in batch)
        return len(sent)

    sender.send(publish)
    assert sent == [f"01J{i:023d}" for i in range(len(sent))] and len(sent) >= 1000


def test_a_large_backlog_drains_at_the_centers_pace_without_resending(tmp_path: Path) -> None:
    """The broker PUBACKs at once, the center acks 1,000 events a (simulated) second and the
    ack timeout is 5 s: with every event sent at once, 25,000 would have timed out."""
    outbox = Outbox(tmp_path / "gw.db")
    sender = _sender(outbox, 5.0, 100)  # at most 2,000 awaiting the center: 2 s of its work
    backlog = 30_000
    _fill(outbox, sender, backlog, commit=1000)
    now, resent, acked = 0.0, 0, 0
    center: list[str] = []
    mids = iter(range(1, 10**9))

    def publish(batch: list[Outgoing]) -> int:
        mid = next(mids)
        inflight[mid] = batch
        return mid

    inflight: dict[int, list[Outgoing]] = {}
    while acked < backlog and now < 600:
        sender.send(publish)
        for mid, batch in list(inflight.items()):  # the broker's PUBACKs
            sender.published(mid, 0, now)
            center += [e.event_id for e in batch]
            del inflight[mid]
        done, center = center[:100], center[100:]  # the center's pace: 100 per 0.1 s
        outbox.ack(done)
        acked += sender.acked(done)
        now += 0.1
        resent += sender.resend_due(now)
    assert acked == backlog
    assert resent == 0
    assert sender.awaiting_ack == 0


def test_a_kiosk_hands_its_whole_backlog_to_the_gateway_while_the_center_is_away(
        tmp_path: Path) -> None:
    """No cap on what awaits the center's ack for a kiosk: the gateway holds the post's
    backlog, so the kiosk's sender keeps going while no ack comes."""
    outbox = Outbox(tmp_path / "journal-like.db")
    sender = ReliableSender(outbox, 60.0, 1000, position=lambda e: e.rowid,
                            handle=lambda e: e.event_id, contiguous=False)
    _fill(outbox, sender, 30_000, commit=1000)
    mids = iter(range(1, 10**9))
    inflight: list[int] = []

    def publish(_batch: list[Outgoing]) -> int:
        inflight.append(next(mids))
        return inflight[-1]

    sent = 0
    for _ in range(100):
        before = sent
        sent += sender.send(publish)
        while inflight:
            sender.published(inflight.pop(), 0, 0.0)  # the broker took it; no center ack
        if sent == before:
            break
    assert sent == 30_000


def _size(path: Path) -> int:
    return sum(os.path.getsize(p) for p in (path, Path(f"{path}-wal")) if p.exists())


def test_a_drained_outbox_gives_its_space_back(tmp_path: Path) -> None:
    path = tmp_path / "gw.db"
    outbox = Outbox(path)
    ids = [o.event_id for o in outbox.add([_incoming(i, 2000) for i in range(5000)]).new]
    assert outbox.reclaim() == 0  # 5,000 events wait: pages are still in use
    full = _size(path)
    outbox.ack(ids)
    assert outbox.reclaim() > 0
    assert _size(path) < full / 4, (full, _size(path))
    # the file stays usable and keeps its tombstones
    assert outbox.add([_incoming(1)]).already_delivered == [(ids[1], "K1")]


def test_an_outbox_made_before_incremental_vacuum_is_rebuilt_once_drained(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "gw.db"
    old = sqlite3.connect(path)
    old.execute("PRAGMA auto_vacuum=NONE")
    old.execute("CREATE TABLE keep(x)")
    old.close()
    outbox = Outbox(path)
    ids = [o.event_id for o in outbox.add([_incoming(i, 2000) for i in range(3000)]).new]
    full = _size(path)
    outbox.ack(ids)
    assert outbox.reclaim() > 0
    assert _size(path) < full / 4
    assert outbox.reclaim() == 0


def test_the_post_link_takes_at_most_its_receive_maximum_of_unacknowledged_messages(
        mosquitto: MosquittoBroker) -> None:
    """A kiosk catching up sends 200-event messages; the gateway asks the broker for at most
    RECEIVE_MAXIMUM of them unacknowledged, instead of the broker's 1,000 (hundreds of MB)."""
    client = make_client(BrokerConfig(port=mosquitto.port), "chot-test-window", manual_ack=True)
    got: list[int] = []
    client.on_message = lambda _c, _u, message: got.append(message.mid)

    subscribed = threading.Event()
    client.on_subscribe = lambda *_args: subscribed.set()

    def subscribe(_session_present: bool) -> None:
        client.subscribe("chot/v1/test/#", qos=1)

    link = BrokerLink(BrokerConfig(port=mosquitto.port), client, "post", on_up=subscribe,
                      receive_maximum=RECEIVE_MAXIMUM)
    link.start()
    try:
        assert link.wait_connected(10)
        assert subscribed.wait(10), "the post link's subscription was not acknowledged"
        sender = make_client(BrokerConfig(port=mosquitto.port), "chot-test-sender")
        sender.connect("127.0.0.1", mosquitto.port)
        sender.loop_start()
        infos = [sender.publish("chot/v1/test/events", b"x" * 100, qos=1)
                 for _ in range(3 * RECEIVE_MAXIMUM)]
        for info in infos:
            info.wait_for_publish(10)
        sender.disconnect()
        sender.loop_stop()
        assert wait_until(lambda: len(got) >= RECEIVE_MAXIMUM, 10)
        time.sleep(0.5)  # on purpose: a window in which more would come if the broker sent them
        assert len(got) == RECEIVE_MAXIMUM  # nothing acknowledged: the rest wait at the broker
        for mid in list(got):
            client.ack(mid, 1)

        def all_taken() -> bool:
            for mid in got[RECEIVE_MAXIMUM:]:
                client.ack(mid, 1)
            return len(got) >= 3 * RECEIVE_MAXIMUM

        wait_until(all_taken, 10, step=0.1)
        assert len(got) == 3 * RECEIVE_MAXIMUM
    finally:
        link.stop()
