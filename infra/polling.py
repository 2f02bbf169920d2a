"""Waiting for something another thread or process does: poll a predicate until it holds."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(predicate: Callable[[], object], timeout: float = 10.0,
               step: float = 0.02) -> bool:
    """Poll `predicate` every `step` seconds until it is truthy (True) or `timeout` passes
    (then one last look decides)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())
