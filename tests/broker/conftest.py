"""Fixtures of the broker tests: the shipped center and post configs with generated access."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from center.broker_access import center_access, post_access
from sim.broker import MosquittoBroker, TlsFiles
from sim.shipped_brokers import ShippedBroker as Shipped
from sim.shipped_brokers import make_tls
from tests.broker.parts import REGISTRY


@pytest.fixture
def tls(tmp_path: Path) -> TlsFiles:
    """A throwaway CA and server certificate for 127.0.0.1."""
    return make_tls(tmp_path / "tls")


@pytest.fixture
def center_broker(tmp_path: Path, tls: TlsFiles,
                  mosquitto_factory: Callable[..., MosquittoBroker]) -> Shipped:
    """deploy/mosquitto/center.conf with the access generated from the test registry."""
    shipped = Shipped("center", tmp_path, tls)
    shipped.start(mosquitto_factory, center_access(REGISTRY))
    return shipped


@pytest.fixture
def post_broker(tmp_path: Path, tls: TlsFiles,
                mosquitto_factory: Callable[..., MosquittoBroker]) -> Shipped:
    """deploy/mosquitto/post.conf of post P01 with its generated access."""
    shipped = Shipped("post", tmp_path, tls)
    shipped.start(mosquitto_factory, post_access(REGISTRY, "P01"))
    return shipped
