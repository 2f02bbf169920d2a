"""`chot bench live` in small: every paced event acknowledged by a real center, with its CPU
per event and the ack times reported (the long run: 200 kiosks, 100 events/s, 30 s)."""

from __future__ import annotations

import json
import subprocess
import sys


def test_every_paced_event_is_acked_and_the_centers_cost_is_reported() -> None:
    out = subprocess.run([sys.executable, "-m", "chot", "bench", "live", "--kiosks", "10",
                          "--posts", "2", "--rate", "50", "--seconds", "2"],
                         capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    assert figures["events"] == 100 and figures["unacked"] == 0
    assert figures["center_cpu_us_per_event"] > 0
    assert 0 < figures["ack_p50_ms"] <= figures["ack_p99_ms"]


def test_a_rate_too_low_for_the_kiosks_is_refused_with_a_reason() -> None:
    out = subprocess.run([sys.executable, "-m", "chot", "bench", "live", "--kiosks", "10",
                          "--rate", "1", "--seconds", "2"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert json.loads(out.stdout.strip().splitlines()[-1])["reason"] == "bad_argument"
