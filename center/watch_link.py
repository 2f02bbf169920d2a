"""The watch's own broker link: states, policy, trust and alerts in; alerts and notices out.

States are read by every center instance (not through the shared subscription ingest uses),
so each dashboard sees every post. paho queues what is published while the link is down.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.subscribeoptions import SubscribeOptions

from center.watch import CenterWatch
from infra import topics
from infra.config import BrokerConfig
from infra.mqtt import BrokerLink, make_client
from screening.policy import POLICY_KIND
from screening.trust import TRUST_KIND

log = logging.getLogger(__name__)


class LiveLink:
    """Feeds a CenterWatch from the broker and publishes what it sends."""

    def __init__(self, broker: BrokerConfig, province: str, client_id: str) -> None:
        self.province = province
        # A distinct client id: the ingest client of this instance uses the configured one.
        cfg = broker.model_copy(update={"client_id": None})
        self.client = make_client(cfg, client_id)
        self.client.on_message = self._on_message
        self.link = BrokerLink(cfg, self.client, "center-live", on_up=self._up,
                               on_down=self._down)
        self.watch: CenterWatch | None = None
        self._stopping = False

    def attach(self, watch: CenterWatch) -> None:
        """Deliver incoming messages to `watch` (before start)."""
        self.watch = watch

    def send(self, topic: str, payload: bytes, retain: bool) -> None:
        """Publish with QoS 1 (queued while the link is down)."""
        self.client.publish(topic, payload, qos=1, retain=retain)

    def start(self) -> None:
        """Connect in the background."""
        self.link.start()

    def stop(self) -> None:
        """Disconnect."""
        self._stopping = True
        self.link.stop()

    def _down(self) -> None:
        # The center's own broker, not a post's (BrokerLink logs the loss and its length):
        # the posts' links are unknown until it is back, and their wills may follow.
        if self._stopping:
            return
        if self.watch is not None:
            self.watch.on_broker(False, datetime.now(UTC))

    def _up(self, session_present: bool) -> None:
        if self.watch is not None:
            self.watch.on_broker(True, datetime.now(UTC))
        self._subscribe(session_present)

    def _subscribe(self, _session_present: bool) -> None:
        prov = self.province
        self.client.subscribe([(topics.all_kiosk_states(prov), SubscribeOptions(qos=1)),
                               (topics.all_gateway_states(prov), SubscribeOptions(qos=1)),
                               (topics.policy(prov), SubscribeOptions(qos=1)),
                               (topics.trust(prov), SubscribeOptions(qos=1)),
                               (topics.alerts(prov), SubscribeOptions(qos=1))])

    def _on_message(self, client: mqtt.Client, userdata: Any,
                    message: mqtt.MQTTMessage) -> None:
        watch = self.watch
        if watch is None:
            return
        topic, payload = message.topic, bytes(message.payload)
        try:
            if topic == topics.policy(self.province):
                watch.on_document(POLICY_KIND, payload)
            elif topic == topics.trust(self.province):
                watch.on_document(TRUST_KIND, payload)
            elif topic == topics.alerts(self.province):
                watch.on_alert_message(payload)
            else:
                watch.on_state(topic, payload, datetime.now(UTC))
        except Exception:  # noqa: BLE001 - one bad message must not stop the link
            log.exception("center watch failed on %s", topic)
