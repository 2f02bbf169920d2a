"""Fixtures of the relay tests (helpers live in parts.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.gateway.parts import ChotProcess


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
