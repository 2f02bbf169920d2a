"""`chot bench center` drains the same events with and without the watch and prints ratios."""

from __future__ import annotations

import json

from chot.cli import main


def test_bench_center_stores_every_event_in_both_runs(capsys):
    assert main(["bench", "center", "--events", "300"]) == 0
    result = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert result["baseline_stored"] == result["center_stored"] == 300
    assert result["ratio"] > 0 and result["check"]["ratio"] > 0
    assert main(["bench", "center", "--events", "0"]) == 2
    assert json.loads(capsys.readouterr().out)["reason"] == "bad_argument"
