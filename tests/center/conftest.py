"""Fixtures of the center tests: a day of traffic, center configs on a real broker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from screening.keys import SigningKey
from sim.broker import MosquittoBroker
from tests.center.traffic import day_of_traffic

DAY = date(2026, 11, 21)


@pytest.fixture(scope="session")
def traffic() -> list[dict[str, Any]]:
    """A day (21 Nov 2026, local) of scans and overrides at three posts."""
    return day_of_traffic(DAY)


@pytest.fixture(scope="session")
def center_key() -> SigningKey:
    """The center's signing key."""
    return SigningKey.generate()


@pytest.fixture
def center_config(tmp_path: Path) -> Callable[..., Path]:
    """Write a center TOML for a broker (extra TOML text appended); returns its path."""
    def write(broker: MosquittoBroker | None = None, extra: str = "",
              instance: str = "center-1") -> Path:
        port = broker.port if broker is not None else 1
        path = tmp_path / f"{instance}.toml"
        path.write_text(f"""province = "11"
instance = "{instance}"

[store]
path = "{tmp_path / 'center.db'}"

[broker]
host = "127.0.0.1"
port = {port}
reconnect_min_s = 0.1
reconnect_max_s = 0.5
{extra}
""", "utf-8")
        return path
    return write
