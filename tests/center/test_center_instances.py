"""Two center instances on one PostgreSQL database and one mosquitto, as a province that
outgrew one machine runs them: the events split between the two through the shared
subscription are each stored once and all acknowledged, redeliveries change nothing, and
every alert (a fever, a kiosk gone by its Last Will, a gateway's disk full) reaches the
alerts topic exactly once.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from center.alerts import AlertKind
from center.link_log import LinkLog
from center.service import CenterService
from center.settings import load_center_config
from infra import topics
from infra.polling import wait_until as wait_for
from infra.wire import state_payload

PROV, POST = "11", "tay-trang"

# A kiosk's broker session as kiosk_ui.kiosk_link opens it: a retained online state and a Last
# Will saying offline, which the broker publishes when the process dies.
KIOSK = """
import sys, time
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
port, topic, online, offline = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
client = mqtt.Client(CallbackAPIVersion.VERSION2, "kiosk-tay-trang-k9",
                     protocol=mqtt.MQTTv5)
client.will_set(topic, offline, qos=1, retain=True)
client.connect("127.0.0.1", port, keepalive=5)
client.loop_start()
client.publish(topic, online, qos=1, retain=True).wait_for_publish(5)
print("online", flush=True)
time.sleep(120)  # alive, session open, until the test kills it: the wait is the point
"""


WAIT_S = 20.0
FLUSH = "test/flush"  # markers a center instance publishes to show its earlier sends arrived


class Listener:
    """A plain MQTT client: publishes as a gateway would and keeps what it hears."""

    def __init__(self, port: int, filters: list[str]) -> None:
        self.heard: list[tuple[str, dict[str, Any]]] = []
        self._lock = threading.Lock()
        self._subscribed = threading.Event()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        self.client.on_message = self._on_message
        self.client.on_subscribe = lambda *_args: self._subscribed.set()
        self.client.on_connect = lambda client, *_args: client.subscribe(
            [(f, 1) for f in filters])
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        assert self._subscribed.wait(10), "the listener never subscribed"

    def publish(self, topic: str, payload: bytes, retain: bool = False) -> None:
        """QoS 1, waiting for the broker's PUBACK."""
        self.client.publish(topic, payload, qos=1, retain=retain).wait_for_publish(5)

    def messages(self, topic_filter: str) -> list[dict[str, Any]]:
        """What arrived on topics matching the filter, in order."""
        with self._lock:
            return [data for topic, data in self.heard
                    if mqtt.topic_matches_sub(topic_filter, topic)]

    def stop(self) -> None:
        """Disconnect."""
        self.client.disconnect()
        self.client.loop_stop()

    def _on_message(self, _client: Any, _userdata: Any, message: mqtt.MQTTMessage) -> None:
        with self._lock:
            self.heard.append((message.topic, json.loads(message.payload)))


def start_instances(mosquitto: Any, center_config: Any, url: str) -> list[CenterService]:
    """center-1 and center-2 on the same database, ingesting once subscribed."""
    services = []
    for name in ("center-1", "center-2"):
        cfg, sections = load_center_config(center_config(mosquitto, instance=name, store=url))
        service = CenterService(cfg, sections)
        subscribed = threading.Event()
        service.ingest.client.on_subscribe = lambda *_args, done=subscribed: done.set()
        service.start()
        assert subscribed.wait(15), f"{name} never subscribed"
        services.append(service)
    return services


@pytest.mark.timeout(150)
def test_two_instances_store_each_event_once_ack_all_and_alert_once(
        mosquitto, center_config, postgres, traffic):
    url = postgres.database()
    gateway = Listener(mosquitto.port, [topics.post_acks(PROV, "+"), topics.alerts(PROV),
                                        topics.arrivals(PROV, "+"), f"{FLUSH}/+"])
    services = start_instances(mosquitto, center_config, url)
    kiosk: subprocess.Popen[str] | None = None
    try:
        ids = [e["event_id"] for e in traffic]

        def acked() -> set[str]:
            return {i for m in gateway.messages(topics.post_acks(PROV, "+"))
                    for i in m["event_ids"]}

        # At least once, as a gateway relays: send, and resend whatever is not acked yet.
        unacked = list(traffic)
        for _attempt in range(5):
            for event in unacked:
                gateway.publish(topics.kiosk_events(PROV, event["post"], event["kiosk"]),
                                json.dumps(event, ensure_ascii=False).encode())
            wait_for(lambda: set(ids) <= acked(), timeout=10)
            unacked = [e for e in traffic if e["event_id"] not in acked()]
            if not unacked:
                break
        assert not unacked, f"{len(unacked)} events never acknowledged"
        stored = [s.ingest.counters.stored for s in services]
        assert all(n > 0 for n in stored), f"the events did not split: {stored}"
        assert sum(stored) == len(traffic) == services[0].store.count_events()

        for event in traffic[:60]:  # redelivered, e.g. after a gateway restart
            gateway.publish(topics.kiosk_events(PROV, event["post"], event["kiosk"]),
                            json.dumps(event, ensure_ascii=False).encode())
        assert wait_for(lambda: sum(s.ingest.counters.duplicates for s in services) >= 60, WAIT_S)
        assert sum(s.ingest.counters.stored for s in services) == len(traffic)
        assert services[1].store.count_events() == len(traffic)

        # A kiosk comes online, then its process dies: the broker sends its Last Will.
        state_topic = topics.kiosk_state(PROV, POST, "k9")
        kiosk = subprocess.Popen(
            [sys.executable, "-c", KIOSK, str(mosquitto.port), state_topic,
             state_payload("online", post=POST, kiosk="k9", pending=0).decode(),
             state_payload("offline", post=POST, kiosk="k9", reason="connection_lost")
             .decode()], stdout=subprocess.PIPE, text=True)
        assert kiosk.stdout is not None and kiosk.stdout.readline().strip() == "online"
        assert wait_for(lambda: all((POST, "k9") in s.watch.monitor.kiosks for s in services),
                        WAIT_S)
        kiosk.send_signal(signal.SIGKILL)
        kiosk.wait(10)

        def offline_alerts() -> list[dict[str, Any]]:
            return [a for a in gateway.messages(topics.alerts(PROV))
                    if a["kind"] == "kiosk_offline" and a["kiosk"] == "k9"]

        assert wait_for(lambda: len(offline_alerts()) >= 1, WAIT_S), "no kiosk_offline alert"
        # The post's gateway reports its disk full: every instance reads that state.
        disk_full = {"code": "disk_full", "vi": "Ổ đĩa đầy", "en": "disk full", "detail": "",
                     "since": 1795300000.5}
        gateway.publish(topics.gateway_state(PROV, POST),
                        state_payload("online", post=POST, backlog=0, alarms=[disk_full]),
                        retain=True)
        assert wait_for(lambda: any(a["kind"] == "device_alarm"
                                    for a in gateway.messages(topics.alerts(PROV))), WAIT_S)
        assert wait_for(lambda: all(any(a.kind is AlertKind.KIOSK_OFFLINE
                                        for a in s.watch.alerts()) for s in services), WAIT_S)
        # A second copy, if one were sent, has arrived once each instance has handled a later
        # state message (its handler takes them in order) and a later publish of its own has
        # reached us (one client, QoS 1: delivered in order): a wait on both, not a guess.
        gateway.publish(topics.kiosk_state(PROV, POST, "k8"),
                        state_payload("online", post=POST, kiosk="k8", pending=0))
        assert wait_for(lambda: all((POST, "k8") in s.watch.monitor.kiosks for s in services),
                        WAIT_S)
        for number, instance in enumerate(services):
            instance.live.send(f"{FLUSH}/{number}", b"{}", False)
        assert wait_for(lambda: len(gateway.messages(f"{FLUSH}/+")) == len(services), WAIT_S)
    finally:
        if kiosk is not None:
            kiosk.kill()
        for service in services:
            service.stop()
        gateway.stop()

    assert len(offline_alerts()) == 1
    assert [a["kind"] for a in gateway.messages(topics.alerts(PROV))].count("device_alarm") == 1
    log = LinkLog(url)
    changes = [online for post, kiosk, online, _at in log.changes(datetime.now(UTC))
               if (post, kiosk) == (POST, "k9")]
    log.close()
    assert changes == [True, False]  # each change logged once, by whichever heard it first
    alerts = gateway.messages(topics.alerts(PROV))
    per_event = Counter((a["kind"], a["event_id"]) for a in alerts
                        if a["kind"] in ("fever", "forged_code"))
    fevers = {e["event_id"] for e in traffic if "fever" in e.get("reasons", [])}
    assert {i for kind, i in per_event if kind == "fever"} == fevers
    assert set(per_event.values()) == {1}, "an alert was published twice"
    arrivals = [m for m in gateway.messages(topics.arrivals(PROV, "+"))
                if m["type"] == "arrival"]
    assert arrivals
    repeats = Counter((a["event_id"], a["status"]) for a in arrivals)
    assert set(repeats.values()) == {1}, "a ward was told of one arrival twice"
