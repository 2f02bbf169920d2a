"""The bridge baseline's subscriber: events from the center broker committed to SQLite.

`python -m sim.bench.bridge_sink PORT DB`: a persistent QoS 1 session; what has arrived is
committed in one transaction (WAL, synchronous=FULL, as the center's store) and only then
PUBACKed, so the broker keeps what a crash would lose. A fair, durable peer to the relay: no
schema checks, no acks back to the senders.
"""

from __future__ import annotations

import queue
import sys
from typing import Any

import paho.mqtt.client as mqtt

from infra.config import BrokerConfig
from infra.mqtt import drain, make_client
from infra.sqlite import open_durable
from infra.wire import split_events

TOPIC = "chot/v1/bench/#"


def main(port: int, db_path: str) -> None:
    """Run until killed."""
    db = open_durable(db_path)
    db.execute("CREATE TABLE IF NOT EXISTS events (event_id TEXT PRIMARY KEY, "
               "payload BLOB NOT NULL) WITHOUT ROWID")
    work: queue.SimpleQueue[mqtt.MQTTMessage] = queue.SimpleQueue()
    client = make_client(BrokerConfig(port=port), "chot-bench-sink", manual_ack=True)
    client.on_connect = lambda c, *_a: c.subscribe(TOPIC, qos=1)
    client.on_message = lambda _c, _u, message: work.put(message)
    client.connect("127.0.0.1", port, clean_start=False,
                   properties=_session_expiry())
    client.loop_start()
    while True:
        messages = drain(work, 1.0, 2000)
        if not messages:
            continue
        rows: list[tuple[str, bytes]] = []
        for message in messages:
            parts = split_events(message.payload)
            if isinstance(parts, list):
                rows += [(data["event_id"], raw) for data, raw in parts
                         if isinstance(data, dict) and "event_id" in data]
        db.execute("BEGIN")
        db.executemany("INSERT OR IGNORE INTO events VALUES (?, ?)", rows)
        db.execute("COMMIT")
        for message in messages:
            client.ack(message.mid, message.qos)


def _session_expiry() -> Any:
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    props = Properties(PacketTypes.CONNECT)
    props.SessionExpiryInterval = 3600
    return props


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
