"""Fixtures of the relay tests (helpers live in parts.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from center.config import CenterConfig
from center.ingest import CenterIngest
from center.store import Store
from gateway.config import GatewayConfig
from gateway.relay import Gateway
from infra.config import load_config
from kiosk_ui.kiosk_link import KioskLink
from screening.keys import SigningKey
from sim.broker import MosquittoBroker
from tests.gateway.parts import ChotProcess, center_toml, gateway_toml


@pytest.fixture
def chot_processes(tmp_path: Path) -> Iterator[Callable[..., ChotProcess]]:
    """Start chot commands as children; every one still running is killed at the end."""
    started: list[ChotProcess] = []

    def start(name: str, *args: str) -> ChotProcess:
        process = ChotProcess(tmp_path, name, *args).start()
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()


@pytest.fixture
def center_key(tmp_path: Path) -> SigningKey:
    """The center's signing key; its public half is tmp_path/center.pub."""
    key = SigningKey.generate()
    (tmp_path / "center.pub").write_bytes(key.public.to_pem())
    return key


@pytest.fixture
def site(tmp_path: Path, mosquitto_factory: Callable[..., MosquittoBroker],
         center_key: SigningKey) -> Iterator[dict[str, Any]]:
    """Two brokers, center ingest and a gateway, all in this process."""
    post, center = mosquitto_factory(), mosquitto_factory()
    store = Store(tmp_path / "center.db")
    ingest = CenterIngest(load_config(center_toml(tmp_path, center.port), CenterConfig), store)
    ingest.start()
    gw_cfg = load_config(gateway_toml(tmp_path, post.port, center.port,
                                      keys=[tmp_path / "center.pub"]), GatewayConfig)
    gateway = Gateway(gw_cfg, [center_key.public])
    gateway.start()
    links: list[KioskLink] = []
    yield {"post": post, "center": center, "store": store, "gateway": gateway, "links": links}
    for link in links:
        link.stop()
    gateway.stop()
    ingest.stop()
    store.close()
