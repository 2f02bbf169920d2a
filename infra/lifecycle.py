"""Long-running commands wait here until SIGTERM or SIGINT asks them to stop."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType


def run_until_signalled(stop: threading.Event | None = None,
                        until: Callable[[], bool] = lambda: False) -> None:
    """Block until SIGTERM/SIGINT (or stop is set, or until() is true); main thread only."""
    done = stop or threading.Event()

    def handle(_signum: int, _frame: FrameType | None) -> None:
        done.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not done.wait(0.2):
            if until():
                break
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
