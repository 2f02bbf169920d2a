"""The relay's commands answer bad input with a bilingual message and exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chot.cli import main


def last_json(capsys: pytest.CaptureFixture[str]) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_gateway_with_an_unknown_key_names_it_and_exits_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "gw.toml"
    config.write_text('province = "01"\npost = "P01"\nposte = "typo"\n[outbox]\npath = "o.db"\n'
                      "[post_broker]\n[center_broker]\n")
    assert main(["gateway", "--config", str(config)]) == 2
    result = last_json(capsys)
    assert result["reason"] == "config_invalid" and "poste" in result["error"]
    assert "Cấu hình" in result["error"]


def test_gateway_with_a_missing_config_file_exits_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gateway", "--config", str(tmp_path / "nope.toml")]) == 2
    assert last_json(capsys)["reason"] == "config_unreadable"


def test_center_dashboard_without_a_terminal_names_headless(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "center.toml"
    config.write_text('province = "01"\n[store]\npath = "c.db"\n[broker]\n')
    assert main(["center", "--config", str(config)]) == 2
    assert last_json(capsys)["reason"] == "no_terminal"


def test_sim_load_refuses_negative_counts(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sim", "load", "--config", str(tmp_path / "k.toml"), "--events", "-1"]) == 2
    assert last_json(capsys)["reason"] == "bad_argument"
