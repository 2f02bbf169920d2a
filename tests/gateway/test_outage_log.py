"""Outages are in the log at the default level: when a broker went, when it came back, how long
it was away and how much waited meanwhile (issue 17: both brokers down 30 s logged nothing)."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest

from sim.load import run_load
from tests.gateway.parts import open_kiosk, wait_for


def test_both_brokers_down_is_logged_with_its_length_and_backlog(
        site: dict[str, Any], tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    gateway, store = site["gateway"], site["store"]
    journal, link = open_kiosk(site, tmp_path, "K1")
    assert wait_for(lambda: link.link.connected and gateway.center_link.connected, 10)
    site["post"].stop()
    site["center"].stop()
    run_load(journal, 5, rate=0)  # the kiosk goes on scanning; its events wait
    assert wait_for(lambda: "lost the center broker" in caplog.text
                    and caplog.text.count("lost the post broker") == 2, 10), caplog.text
    site["post"].start()
    site["center"].start()
    assert wait_for(lambda: store.count_events() == 5, 30), gateway.state()
    # kiosk → post, gateway → post and center, and the center's own links
    assert wait_for(lambda: caplog.text.count("is back after") >= 4, 10), caplog.text
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    # the kiosk's own line names the five events that waited in its journal
    assert any(re.search(r"post broker .* back after \d+\.\d s down; 5 events waiting", line)
               for line in lines), lines
    # the gateway's uplink says how much its outbox holds
    assert any(re.search(r"^center broker .* back after \d+\.\d s down; \d+ events waiting",
                         line) for line in lines), lines
    assert all(r.levelno == logging.WARNING for r in caplog.records
               if r.name == "infra.mqtt"), "outages are warnings, never errors or tracebacks"
