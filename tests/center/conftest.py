"""Fixtures of the center tests: a day of traffic, center configs on a real broker, and the
store on both backends (a SQLite file, a database of a throwaway PostgreSQL cluster)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from screening.keys import SigningKey
from sim.broker import MosquittoBroker
from sim.postgres import PostgresCluster, PostgresMissing
from tests.center.traffic import day_of_traffic

DAY = date(2026, 11, 21)
BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="session")
def traffic() -> list[dict[str, Any]]:
    """A day (21 Nov 2026, local) of scans and overrides at three posts."""
    return day_of_traffic(DAY)


@pytest.fixture(scope="session")
def center_key() -> SigningKey:
    """The center's signing key."""
    return SigningKey.generate()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """One PostgreSQL cluster for the session (started only if a test asks for it)."""
    try:
        cluster = PostgresCluster()
    except PostgresMissing as exc:
        pytest.fail(str(exc))
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=BACKENDS)
def store_at(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a fresh store lives, once per backend: a SQLite path or a postgresql:// URL."""
    if request.param == "sqlite":
        return str(tmp_path / "center.db")
    return str(request.getfixturevalue("postgres").database())


@pytest.fixture
def center_config(tmp_path: Path) -> Callable[..., Path]:
    """Write a center TOML for a broker (extra TOML text appended, top-level keys in `top`);
    returns its path. store: a SQLite path or a postgresql:// URL (default: center.db in
    tmp_path)."""
    def write(broker: MosquittoBroker | None = None, extra: str = "",
              instance: str = "center-1", store: str | None = None, top: str = "") -> Path:
        port = broker.port if broker is not None else 1
        path = tmp_path / f"{instance}.toml"
        where = store or str(tmp_path / "center.db")
        # With PostgreSQL the instance's own files (reports, ledger) go to its folder.
        store_key = f'url = "{where}"\nfolder = "{tmp_path}"' \
            if where.startswith("postgresql://") else f'path = "{where}"'
        # Learning unless the test names a registry: the registry is no default for tests.
        learn = "" if "registry" in top or "learn_kiosks" in top else "learn_kiosks = true"
        path.write_text(f"""province = "11"
instance = "{instance}"
{learn}
{top}

[store]
{store_key}

[broker]
host = "127.0.0.1"
port = {port}
reconnect_min_s = 0.1
reconnect_max_s = 0.5
{extra}
""", "utf-8")
        return path
    return write
