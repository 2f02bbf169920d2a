"""Kiosk config files: validated at start, unknown or bad keys named, in both languages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk_ui.config import ConfigProblem, load_config, parse_config
from kiosk_ui.place_index import search_places
from kiosk_ui.shift import fold


def test_defaults_are_vietnamese_with_masked_names() -> None:
    config = parse_config({})
    assert config.language == "vi" and config.mask_names and config.wedge.enabled


@pytest.mark.parametrize(("data", "key"), [
    ({"camera": {"sorces": ["0"]}}, "camera.sorces"),
    ({"language": "fr"}, "language"),
    ({"thermometer": {"simulated_c": 80}}, "thermometer.simulated_c"),
    ({"policy": {"stale_after_hours": 0}}, "policy.stale_after_hours"),
    ({"colour": "red"}, "colour"),
])
def test_a_bad_key_is_named(data: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigProblem, match=f"'{key}'"):
        parse_config(data)


def test_broken_toml_and_missing_file_are_problems_not_tracebacks(tmp_path: Path) -> None:
    broken = tmp_path / "k.toml"
    broken.write_text("post = \n")
    with pytest.raises(ConfigProblem, match="TOML"):
        load_config(broken)
    with pytest.raises(ConfigProblem, match="nowhere.toml"):
        load_config(tmp_path / "nowhere.toml")


def test_chot_kiosk_refuses_a_bad_config_with_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('post = "p"\n[reader]\nbaud_rate = 9600\n')
    done = subprocess.run([sys.executable, "-m", "chot", "kiosk", "--config", str(config)],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "Cấu hình sai / bad config" in done.stderr and "'reader.baud_rate'" in done.stderr
    assert "Traceback" not in done.stderr


def test_place_search_ignores_accents_and_ranks_the_phrase_first() -> None:
    assert fold("Điện Biên Phủ") == "dien bien phu"
    first = search_places("ba dinh")[0]
    assert first.label == "Phường Ba Đình, Thành phố Hà Nội"
    assert search_places("CN")[0].place.country == "CN"
    assert all(c.place.ward for c in search_places("dien bien", wards_only=True))
