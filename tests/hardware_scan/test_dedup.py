"""The repeat-read window: one report per code held in view, again once it has been away."""

from __future__ import annotations

import pytest

from hardware.dedup import RepeatFilter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_code_held_in_view_is_reported_once() -> None:
    clock = FakeClock()
    window = RepeatFilter(window_s=2.0, clock=clock)
    reports = []
    for _ in range(100):  # ten seconds of frames at 10 fps, code always in view
        reports.append(window.admit("CCCD-1"))
        clock.now += 0.1
    assert reports.count(True) == 1


def test_code_is_reported_again_after_leaving_for_the_window() -> None:
    clock = FakeClock()
    window = RepeatFilter(window_s=2.0, clock=clock)
    assert window.admit("A")
    clock.now += 1.9
    assert not window.admit("A")
    clock.now += 2.1
    assert window.admit("A")


def test_codes_are_independent_and_forget_allows_a_rescan() -> None:
    clock = FakeClock()
    window = RepeatFilter(window_s=5.0, clock=clock)
    assert window.admit("A") and window.admit("B")
    assert not window.admit("A")
    window.forget("A")
    assert window.admit("A")


def test_memory_stays_bounded() -> None:
    clock = FakeClock()
    window = RepeatFilter(window_s=60.0, clock=clock, max_entries=10)
    for index in range(1000):
        window.admit(f"code-{index}")
        clock.now += 0.01
    assert len(window._last_seen) <= 11


def test_negative_window_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        RepeatFilter(window_s=-1)
