"""The relay's commands answer bad input with a bilingual message and exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from chot.cli import main

REPO = Path(__file__).resolve().parents[2]
CHOT = Path(sys.executable).parent / "chot"


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
    config.write_text('province = "01"\nlearn_kiosks = true\n[store]\npath = "c.db"\n[broker]\n')
    assert main(["center", "--config", str(config)]) == 2
    assert last_json(capsys)["reason"] == "no_terminal"


def test_sim_load_refuses_negative_counts(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sim", "load", "--config", str(tmp_path / "k.toml"), "--events", "-1"]) == 2
    assert last_json(capsys)["reason"] == "bad_argument"


def run_chot(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed `chot` in a child process, as an operator would run it."""
    return subprocess.run([str(CHOT), *args], capture_output=True, text=True, timeout=60,
                          cwd=REPO)


def assert_config_mistake(done: subprocess.CompletedProcess[str], reason: str) -> None:
    """Exit code 2, one bilingual message naming the reason code, and no traceback."""
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "Traceback" not in output
    assert "Cấu hình không dùng được" in output and "config not usable" in output, output
    assert f"[{reason}]" in output, output


def gateway_config(tmp: Path, outbox: Path | None = None, **post: str) -> Path:
    config = tmp / "gw.toml"
    extra = "".join(f"{key} = {json.dumps(value)}\n" for key, value in post.items())
    config.write_text(f'province = "01"\npost = "P01"\n'
                      f'[outbox]\npath = "{outbox or tmp / "o.db"}"\n'
                      f'[post_broker]\nport = 1\nusername = "gw"\n{extra}'
                      '[center_broker]\nport = 1\n')
    return config


@pytest.mark.parametrize("problem", ["missing", "folder"])
def test_gateway_with_an_unusable_password_file_exits_2(tmp_path: Path, problem: str) -> None:
    secret = tmp_path / "secret"
    if problem == "folder":
        secret.mkdir()
    done = run_chot("gateway", "--config",
                    str(gateway_config(tmp_path, password_file=str(secret))))
    assert_config_mistake(done, "password_file_unreadable")
    assert "password_file" in done.stdout


def test_gateway_with_an_outbox_path_that_is_a_folder_exits_2(tmp_path: Path) -> None:
    (tmp_path / "outbox").mkdir()
    done = run_chot("gateway", "--config", str(gateway_config(tmp_path, tmp_path / "outbox")))
    assert_config_mistake(done, "store_path_is_folder")


def test_gateway_with_a_missing_tls_ca_file_exits_2(tmp_path: Path) -> None:
    config = gateway_config(tmp_path)
    config.write_text(config.read_text().replace(
        "[center_broker]", f'[post_broker.tls]\nca_file = "{tmp_path / "ca.pem"}"\n'
                           "[center_broker]"))
    done = run_chot("gateway", "--config", str(config))
    assert_config_mistake(done, "tls_file_unreadable")
    assert "tls.ca_file" in done.stdout


def test_sim_load_with_unusable_journal_or_password_exits_2(tmp_path: Path) -> None:
    (tmp_path / "journal").mkdir()
    config = tmp_path / "k.toml"
    config.write_text('province = "01"\npost = "P01"\nkiosk = "K1"\n'
                      f'[journal]\npath = "{tmp_path / "journal"}"\n[broker]\nport = 1\n')
    assert_config_mistake(run_chot("sim", "load", "--config", str(config), "--events", "1"),
                          "store_path_is_folder")
    config.write_text(config.read_text().replace(
        f'"{tmp_path / "journal"}"', f'"{tmp_path / "j.db"}"')
        + f'username = "k"\npassword_file = "{tmp_path / "nope"}"\n')
    assert_config_mistake(run_chot("sim", "load", "--config", str(config), "--events", "1"),
                          "password_file_unreadable")


def test_kiosk_with_unusable_journal_or_password_exits_2(tmp_path: Path) -> None:
    (tmp_path / "journal").mkdir()
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[journal]\npath = "{tmp_path / "journal"}"\n')
    assert_config_mistake(run_chot("kiosk", "--config", str(config)), "store_path_is_folder")
    config.write_text(f'[journal]\npath = "{tmp_path / "j.db"}"\n'
                      f'[gateway]\nhost = "127.0.0.1"\nport = 1\nusername = "k"\n'
                      f'password_file = "{tmp_path}"\n')
    assert_config_mistake(run_chot("kiosk", "--config", str(config)), "password_file_unreadable")
