"""Fixtures for the kiosk UI tests (the harness itself is in kiosk_harness.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from kiosk_harness import Kiosk, make_kiosk  # noqa: E402


@pytest.fixture
def kiosk() -> Kiosk:
    """A Vietnamese kiosk on simulated devices."""
    return make_kiosk()
