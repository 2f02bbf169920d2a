"""`chot bench gateway` in small: the relay and its two fair baselines in one run, and the
backlog's costs (issue 21). The long runs are `chot bench gateway --events 100000` and
`--backlog 500000`; here only that every figure is there and nothing is lost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_the_relay_and_both_baselines_carry_every_event_and_report_each_figure(
        tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "chot", "bench", "gateway", "--events", "2000", "--backlog",
         "3000", "--latency-events", "30", "--json", "--keep", str(tmp_path)],
        capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    assert figures["lost"] == figures["bridge_lost"] == figures["doubled"] == 0
    for rate in ("events_per_s", "raw_paho_batched_per_s", "bridge_per_s"):
        assert figures[rate] > 0, rate
    cpu = figures["cpu_us_per_event"]
    assert set(cpu) == {"relay", "bridge", "raw_paho_batched"}
    assert cpu["relay"]["gateway"] > 0 and cpu["relay"]["center"] > 0 and cpu["bridge"]["sink"] > 0
    assert figures["backlog"] == 3000 and figures["resent_during_drain"] == 0
    assert 0 < figures["peak_mb"]["gateway"] < 150 and 0 < figures["peak_mb"]["center"] < 500
    assert figures["outbox_mb"]["after_drain"] < figures["outbox_mb"]["full"]
