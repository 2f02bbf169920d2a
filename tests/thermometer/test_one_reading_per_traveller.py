"""The kiosk never gives one traveller's forehead reading to the next one in the queue."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk_ui.node_thermometer import NodeThermometer


def test_a_reading_serves_one_scan_only(scripted, make_link, wait_until):
    node = scripted()
    link = make_link(node.path, stale_after_s=30.0)
    assert wait_until(lambda: link.health().connected)
    kiosk = NodeThermometer(link, lambda: datetime.now(UTC))

    node.send(node.heartbeat() + node.reading(38.4, seq=1))
    assert wait_until(lambda: link.latest() is not None and link.latest().seq == 1)
    first = kiosk.latest()
    assert first is not None and abs(first.celsius - 38.4) < 0.05

    assert kiosk.latest() is None, "the feverish traveller's reading went to the next one"

    node.send(node.reading(36.7, seq=2))
    assert wait_until(lambda: link.latest().seq == 2)
    second = kiosk.latest()
    assert second is not None and abs(second.celsius - 36.7) < 0.05
