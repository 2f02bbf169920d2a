"""Shared pytest fixtures: real mosquitto brokers on free loopback ports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sim.broker import BrokerUnavailable, MosquittoBroker


@pytest.fixture
def mosquitto_factory() -> Iterator[Callable[..., MosquittoBroker]]:
    """Start brokers with MosquittoBroker options (users, acl, tls …); all closed at the end."""
    brokers: list[MosquittoBroker] = []

    def start(**options: Any) -> MosquittoBroker:
        broker = MosquittoBroker(**options)
        brokers.append(broker)
        try:
            return broker.start()
        except BrokerUnavailable as exc:
            pytest.fail(str(exc))

    yield start
    for broker in brokers:
        broker.close()


@pytest.fixture
def mosquitto(mosquitto_factory: Callable[..., MosquittoBroker]) -> MosquittoBroker:
    """One anonymous mosquitto on a free loopback port, with persistence in a temp dir."""
    return mosquitto_factory()
