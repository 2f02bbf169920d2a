"""`chot bench verify` reports DCC, SHC and declaration times from one run as its last JSON line."""

from __future__ import annotations

import json
import subprocess
import sys


def test_bench_verify_prints_figures_beside_the_declaration():
    # a subprocess: the bench pins itself to one core, which must not pin the test runner
    done = subprocess.run([sys.executable, "-m", "chot", "bench", "verify", "--runs", "30"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    report = json.loads(lines[-1])
    assert "declaration" in lines[1]
    for name in ("declaration", "eu_dcc_ps256", "eu_dcc_es256", "shc", "eu_dcc_rules",
                 "eu_dcc_revocation_100k"):
        assert report[name]["median_ms"] > 0
    assert report["eu_dcc_ps256"]["median_ms"] <= report["target_dcc_ms"]
    assert report["eu_dcc_rules"]["median_ms"] <= report["target_dcc_ms"]
    assert report["eu_dcc_revocation_100k"]["median_ms"] <= report["target_dcc_ms"]
    assert report["dcc_within_target"] is True
