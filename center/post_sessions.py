"""The center's subscriptions to kiosk events: one MQTT session per group of posts.

Each session has its own bounded queue at the broker (mosquitto's `max_queued_messages` and
`max_queued_bytes` count per client) and its own small receive window (MQTT 5 Receive
Maximum), so a post that floods fills its own session's queue, never another post's. Several
center instances subscribe to the same per-post shared filters (`$share/{group}/…/kiosk/
{post}/+/events`), so each post's events are split between them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

from infra import topics
from infra.config import BrokerConfig
from infra.mqtt import BrokerLink, make_client


@dataclass(frozen=True)
class Session:
    """One MQTT session of the center: its client and the link that keeps it connected."""

    client: mqtt.Client
    link: BrokerLink
    posts: tuple[str, ...] = ()  # the posts it subscribes to; () for every post


def post_groups(posts: Sequence[str], sessions: int) -> list[list[str]]:
    """The posts dealt in turn over at most `sessions` groups (sorted, so every instance
    groups alike); no posts known: one group that subscribes to every post."""
    ordered = sorted(set(posts))
    count = min(len(ordered), sessions)
    return [ordered[i::count] for i in range(count)] if ordered else [[]]


def event_filters(prov: str, posts: Sequence[str], share_group: str) -> list[str]:
    """The shared event filters of one group: one per post, or every post's when empty."""
    return [topics.shared(topics.all_kiosk_events(prov, post), share_group)
            for post in posts or ["+"]]


def with_receive_maximum(client: mqtt.Client, window: int) -> None:
    """Ask the broker for at most `window` unacknowledged messages on this client.

    BrokerLink builds the CONNECT properties; paho keeps the ones given to connect() for
    each reconnect, so the window is added there.
    """
    connect = client.connect

    def connect_with_window(*args: Any, properties: Properties | None = None,
                            **kwargs: Any) -> Any:
        if properties is not None:
            properties.ReceiveMaximum = window
        kwargs["properties"] = properties
        return connect(*args, **kwargs)

    client.connect = connect_with_window  # type: ignore[method-assign]


def open_sessions(broker: BrokerConfig, base_id: str, prov: str, groups: list[list[str]],
                  share_group: str, window: int,
                  on_message: Callable[[Session, mqtt.MQTTMessage], None]) -> list[Session]:
    """One session per group, not started; messages go to `on_message` with their session."""
    # The configured client_id names the main client; each session derives its own from it.
    own = broker.model_copy(update={"client_id": None})
    sessions = []
    for index, posts in enumerate(groups):
        client = make_client(own, f"{base_id}-events-{index + 1}", manual_ack=True)
        with_receive_maximum(client, window)
        filters = event_filters(prov, posts, share_group)

        def subscribe(_present: bool, client: mqtt.Client = client,
                      filters: list[str] = filters) -> None:
            client.subscribe([(f, SubscribeOptions(qos=1)) for f in filters])

        session = Session(client, BrokerLink(own, client, f"center-events-{index + 1}",
                                             on_up=subscribe), tuple(posts))
        client.on_message = lambda _c, _u, message, session=session: on_message(session,
                                                                                message)
        sessions.append(session)
    return sessions
