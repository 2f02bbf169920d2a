"""Scenario files: shipped ones load, mistakes are named, shortened runs keep the story."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario import ScenarioProblem, load_scenario, shipped_scenarios

REQUIRED = {"quiet-venue", "highway-rush-hour", "border-uplink-cut", "sensor-unplugged", "demo"}

MINIMAL = """
name = "tiny"
duration_s = 600
[mix]
kinds = { declaration = 1 }
origins = { in_province = 1 }
[[posts]]
id = "p1"
kiosks = 2
arrivals = [{ from_s = 0, per_kiosk_per_min = 2 }, { from_s = 300, per_kiosk_per_min = 6 }]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_scenarios_are_all_there_and_valid() -> None:
    loaded = {load_scenario(path).name for path in shipped_scenarios()}
    assert loaded >= REQUIRED


def test_a_shipped_scenario_loads_by_name() -> None:
    scenario = load_scenario("border-uplink-cut")
    cut = next(f for f in scenario.faults if f.kind == "uplink_cut")
    assert cut.duration_s == 600
    assert any(f.kind == "gateway_crash" for f in scenario.faults)


def test_the_rush_hour_runs_eight_kiosks_on_two_posts() -> None:
    scenario = load_scenario("highway-rush-hour")
    assert len(scenario.posts) == 2 and scenario.kiosk_count == 8


def test_an_unknown_key_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(ScenarioProblem, match="posts.0.kiosk_count"):
        load_scenario(write(tmp_path, MINIMAL.replace("kiosks = 2",
                                                      "kiosks = 2\nkiosk_count = 3")))


def test_a_fault_on_a_post_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    text = MINIMAL + '\n[[faults]]\nat_s = 10\nkind = "uplink_cut"\npost = "p9"\nduration_s = 5\n'
    with pytest.raises(ScenarioProblem, match="no post named 'p9'"):
        load_scenario(write(tmp_path, text))


def test_a_lasting_fault_needs_a_duration(tmp_path: Path) -> None:
    text = MINIMAL + '\n[[faults]]\nat_s = 10\nkind = "sensor_unplug"\npost = "p1"\nkiosk = 1\n'
    with pytest.raises(ScenarioProblem, match="duration_s"):
        load_scenario(write(tmp_path, text))


def test_a_hot_zone_mix_needs_hot_zones_in_the_policy(tmp_path: Path) -> None:
    text = MINIMAL.replace('in_province = 1', 'hot_zone = 1') + \
        '\n[policy]\nzones = { provinces = { "99" = "hot" } }\n'
    with pytest.raises(ScenarioProblem, match="unknown province code '99'"):
        load_scenario(write(tmp_path, text))


def test_bad_toml_gets_a_bilingual_message(tmp_path: Path) -> None:
    with pytest.raises(ScenarioProblem, match="Kịch bản không dùng được / scenario not usable"):
        load_scenario(write(tmp_path, "name = "))


def test_shortening_scales_faults_and_rate_changes_but_keeps_rates(tmp_path: Path) -> None:
    text = MINIMAL + '\n[[faults]]\nat_s = 300\nkind = "uplink_cut"\npost = "p1"\n' \
                     'duration_s = 120\n'
    short = load_scenario(write(tmp_path, text)).shortened(60)
    assert short.duration_s == 60
    assert [r.from_s for r in short.posts[0].arrivals] == [0, 30]
    assert [r.per_kiosk_per_min for r in short.posts[0].arrivals] == [2, 6]
    assert (short.faults[0].at_s, short.faults[0].duration_s) == (30, 12)
