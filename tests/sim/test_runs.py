"""Every shipped scenario, shortened, runs through `chot sim run` with nothing lost, doubled or
mis-judged; so does `chot demo --headless`. The runs go side by side to keep the suite short:
each is mostly waiting on its real-time timeline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sim.scenario import load_scenario, shipped_scenarios

DURATION_S = {"quiet-venue": 45}
DEFAULT_DURATION_S = 30
SENSOR_STORY = """
name = "fevers-while-unplugged"
duration_s = 36
seed = 5
[mix]
kinds = { declaration = 1 }
origins = { in_province = 1 }
fever = 1.0
[[posts]]
id = "p1"
kiosks = 1
thermometer = true
arrivals = [{ from_s = 0, per_kiosk_per_min = 20 }]
[[faults]]
at_s = 10
kind = "sensor_unplug"
post = "p1"
kiosk = 0
duration_s = 14
"""
CRASHES_STORY = """
name = "crashes"
duration_s = 30
seed = 8
[mix]
kinds = { declaration = 3, cccd = 1, manual = 1, forged = 1 }
origins = { in_province = 1, out_of_province = 1, hot_zone = 1 }
[[posts]]
id = "p1"
kiosks = 2
thermometer = false
arrivals = [{ from_s = 0, per_kiosk_per_min = 12 }]
[[faults]]
at_s = 8
kind = "kiosk_crash"
post = "p1"
kiosk = 0
duration_s = 3
[[faults]]
at_s = 15
kind = "broker_restart"
duration_s = 2
[[faults]]
at_s = 20
kind = "uplink_drop"
post = "p1"
"""


def chot(*args: str) -> list[str]:
    return [sys.executable, "-m", "chot", *args]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Start every run at once, wait for all: name → (exit code, last JSON line, stderr)."""
    work = tmp_path_factory.mktemp("runs")
    stories = {"fevers": SENSOR_STORY, "crashes": CRASHES_STORY}
    for name, text in stories.items():
        (work / f"{name}.toml").write_text(text, encoding="utf-8")
    commands = {}
    for path in shipped_scenarios():
        name = load_scenario(path).name
        if name == "demo":
            continue  # played by `chot demo` below
        commands[name] = chot("sim", "run", str(path), "--quiet", "--report",
                              str(work / f"{name}.json"), "--duration",
                              str(DURATION_S.get(name, DEFAULT_DURATION_S)))
    commands["demo"] = chot("demo", "--headless", "--duration", str(DEFAULT_DURATION_S))
    for name in stories:
        commands[name] = chot("sim", "run", str(work / f"{name}.toml"), "--quiet")
    procs = {name: subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True) for name, argv in commands.items()}
    results: dict[str, Any] = {"_work": str(work)}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=240)
        lines = out.strip().splitlines()
        results[name] = (proc.returncode, json.loads(lines[-1]) if lines else {}, err)
    return results


SHIPPED = sorted(load_scenario(p).name for p in shipped_scenarios())


@pytest.mark.parametrize("name", SHIPPED)
def test_a_shipped_scenario_loses_doubles_and_misjudges_nothing(runs, name: str) -> None:
    code, report, err = runs[name]
    assert code == 0, json.dumps(report, ensure_ascii=False) + err[-2000:]
    assert report["travellers"] >= 1
    assert report["lost"] == 0 and report["duplicates_stored"] == 0
    assert report["verdict_mismatches"] == 0
    # A card asking for the trip, then the trip staff typed: two events for one traveller.
    assert report["produced"] == report["delivered_unique"] >= report["travellers"]
    assert report["center_quarantined"] == 0
    assert report["scan_to_verdict_p95_ms"] is not None


def test_the_border_post_judges_foreign_certificates(runs) -> None:
    _, report, _ = runs["border-certificates"]
    assert {"eu_dcc", "shc", "ddcc"} & set(report["by_kind"])


def test_the_demo_starts_clean_with_no_fault_alerts(runs) -> None:
    # The gateway has the center's keys, so it relays policy and trust to the kiosks instead
    # of alarming no_center_keys; nothing else in a demo is broken either.
    code, report, err = runs["demo"]
    assert code == 0, err
    assert report["fault_alerts"] == []


def test_the_report_file_holds_the_printed_line(runs) -> None:
    _, report, _ = runs["highway-rush-hour"]
    assert report["kiosks"] == 8 and report["posts"] == 2
    assert json.loads(Path(runs["_work"]).joinpath("highway-rush-hour.json").read_text()) == \
        report


def test_codes_came_through_the_camera_and_the_serial_reader(runs) -> None:
    sources: set[str] = set()
    for name in SHIPPED:
        sources |= set(runs[name][1]["by_source"])
    assert {"camera", "reader"} <= sources


def test_the_border_post_rides_out_its_uplink_cut_and_gateway_crash(runs) -> None:
    _, report, _ = runs["border-uplink-cut"]
    kinds = {fault.split("@")[0] for fault in report["faults"]}
    assert {"uplink_cut", "gateway_crash"} <= kinds
    # Events made during the cut waited for the uplink: the relay delay shows it.
    assert report["kiosk_to_center_p99_ms"] > 1000


def test_fevers_are_caught_before_and_after_an_unplugged_thermometer_not_during(runs) -> None:
    code, report, err = runs["fevers"]
    assert code == 0, json.dumps(report, ensure_ascii=False) + err[-2000:]
    outcomes = report["by_outcome"]
    assert outcomes.get("medical_check", 0) >= 2  # measured while plugged in
    assert outcomes.get("clear", 0) >= 1  # the same fevers, unmeasured while unplugged


def test_kiosk_crash_broker_restart_and_a_dropped_uplink_lose_nothing(runs) -> None:
    code, report, err = runs["crashes"]
    assert code == 0, json.dumps(report, ensure_ascii=False) + err[-2000:]
    assert [f.split("@")[0] for f in report["faults"]] == [
        "kiosk_crash", "broker_restart", "uplink_drop"]
    assert report["produced"] == report["delivered_unique"] >= 5


def test_a_broken_scenario_gets_a_clear_answer(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nduration_s = 10\nmix = {}\nposts = []\n', encoding="utf-8")
    done = subprocess.run(chot("sim", "run", str(bad)), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["reason"] == "scenario_invalid" and "mix.kinds" in answer["error"]
