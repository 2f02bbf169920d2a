"""`chot bench camera`, short: the live decoder reads every code and spends less CPU."""

from __future__ import annotations

import json
import subprocess
import sys


def test_live_decoding_reads_every_code_for_a_fraction_of_the_cpu() -> None:
    done = subprocess.run([sys.executable, "-m", "chot", "bench", "camera",
                           "--presentations", "2"], capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["live"]["read"] == 2 and figures["live"]["missed"] == 0
    assert figures["every_frame"]["read"] + figures["every_frame"]["missed"] == 2
    assert figures["live"]["cpu_per_video_s"] < figures["every_frame"]["cpu_per_video_s"]
    for loop in ("live", "every_frame"):
        counted = figures[loop]
        assert counted["read_before_still"] + counted["read_after_still"] == counted["read"]
        # A latency is only ever of a code read once still: never the clamped 0 of before.
        assert (counted["p95_ms"] is None) == (counted["read_after_still"] == 0)
        assert counted["p95_ms"] is None or counted["p95_ms"] > 0
