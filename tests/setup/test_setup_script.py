"""scripts/setup.sh as a newcomer sees it: one line per step, apt's and pip's chatter in the
log, the log's path and end on failure, and a default (not deprecated) editable install.

The script runs for real, on a copy of the checkout, with apt, dpkg and Python replaced by
stand-ins on PATH that print as much as the real ones: nothing is installed or downloaded.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tomllib
from pathlib import Path

import pytest
from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[2]

NOISE = "Get:$n http://deb.debian.org/debian bookworm/main amd64 pkg$n [$n kB]"
FAKES = {
    # dpkg-query -W -f=... PKG: installed unless listed in FAKE_MISSING
    "dpkg-query": """
        for pkg in $FAKE_MISSING; do [ "$pkg" = "${@: -1}" ] && exit 1; done
        printf 'install ok installed'
    """,
    "apt-get": f"""
        echo "apt-get $*" >>"$FAKE_CALLS"
        for n in $(seq 150); do echo "{NOISE}"; done
        if [ "$1" = install ] && [ -n "${{FAKE_APT_FAIL:-}}" ]; then
            echo "E: Unable to locate package $FAKE_APT_FAIL" >&2
            exit 100
        fi
    """,
    "sudo": '[ "$1" = -v ] && exit 0; exec "$@"',
    "npm": """
        echo "npm $*" >>"$FAKE_CALLS"
        mkdir -p "$3/node_modules"
        for n in $(seq 50); do echo "npm http fetch GET 200 pkg$n"; done
    """,
    "node": "exit 0",
    "systemctl": "exit 0",
    # python3 and .venv/bin/python: venv copies this script, pip prints a lot
    "python": """
        echo "python $*" >>"$FAKE_CALLS"
        case "$1" in
            -c) exit 0 ;;
            --version) echo "Python 3.11.2" ;;
            -m) case "$2" in
                    venv) mkdir -p "$3/bin" && cp "$0" "$3/bin/python" ;;
                    pip) for n in $(seq 200); do echo "Collecting dependency-$n"; done
                         echo "Successfully installed chot-0.1.0" ;;
                esac ;;
        esac
    """,
}


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the scripts and pyproject.toml, and the stand-ins in bin/."""
    work = tmp_path / "chot"
    (work / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "setup.sh", work / "scripts")
    shutil.copy(ROOT / "pyproject.toml", work)
    runner = Path("sim") / "micropython_node"
    (work / runner).mkdir(parents=True)
    shutil.copy(ROOT / runner / "package.json", work / runner)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in FAKES.items():
        path = bin_dir / name
        path.write_text("#!/usr/bin/env bash\n" + "\n".join(
            line.strip() for line in body.strip().splitlines()) + "\n")
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return work


def setup(work: Path, missing: str = "", apt_fail: str = "",
          *args: str) -> subprocess.CompletedProcess[str]:
    """Run scripts/setup.sh in the copy, as `bash scripts/setup.sh` would."""
    bin_dir = work.parent / "bin"
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}",
           "PYTHON": str(bin_dir / "python"), "FAKE_MISSING": missing,
           "FAKE_APT_FAIL": apt_fail, "FAKE_CALLS": str(work.parent / "calls")}
    return subprocess.run(["bash", "scripts/setup.sh", *args], cwd=work, env=env, text=True,
                          capture_output=True, timeout=60)


def calls(work: Path) -> list[str]:
    path = work.parent / "calls"
    return path.read_text().splitlines() if path.exists() else []


def test_a_fresh_machine_sees_one_line_per_step_and_the_chatter_goes_to_the_log(checkout):
    done = setup(checkout, missing="mosquitto tmux")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == ["chot setup: apt: mosquitto (MQTT broker for the tests and demo)",
                         "chot setup: apt: tmux (the demo's kiosk and center windows)"]
    assert lines[2] == "chot setup: apt: installing 2 … done"
    assert lines[3].startswith("chot setup: npm: MicroPython 1.27 WebAssembly port")
    assert lines[-1].startswith("chot setup: pip: chot (editable)")
    assert lines[-1].endswith("(log: .venv/setup.log)")
    assert len(lines) <= 7 and done.stderr == ""
    assert "Get:" not in done.stdout and "Collecting" not in done.stdout
    assert "npm http" not in done.stdout
    log = (checkout / ".venv" / "setup.log").read_text()
    assert log.count("Get:") == 300 and log.count("Collecting dependency") == 400
    # the default editable mode, not setuptools' deprecated "compat" one
    install = [c for c in calls(checkout) if "pip install -e" in c]
    assert install == ["python -m pip install -e .[dev]"]
    assert "deprecat" not in (done.stdout + done.stderr).lower()


def test_a_second_run_installs_nothing_and_says_so_in_three_lines(checkout):
    assert setup(checkout).returncode == 0
    before = len(calls(checkout))
    again = setup(checkout)
    assert again.returncode == 0
    lines = again.stdout.splitlines()
    assert lines[0].startswith("chot setup: apt: nothing to install (libzbar0 cage foot")
    assert lines[1:] == [
        "chot setup: npm: MicroPython port is up to date with "
        "sim/micropython_node/package.json",
        "chot setup: python: .venv is up to date with pyproject.toml"]
    assert [c for c in calls(checkout)[before:]
            if "pip install" in c or "apt-get" in c or c.startswith("npm")] == []


def test_a_kiosk_gets_only_what_a_kiosk_runs(checkout):
    done = setup(checkout, "cage mosquitto postgresql tmux", "", "--kiosk")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == (
        "chot setup: apt: cage (the kiosk's display path (deploy/systemd/chot-kiosk.service), "
        "run by its tests)")
    installs = [c for c in calls(checkout) if "install" in c]
    apt = next(c for c in installs if c.startswith("apt-get install"))
    assert apt.endswith(" cage")  # not the broker, the database or tmux
    assert [c for c in installs if "pip install -e" in c] == ["python -m pip install -e ."]
    assert not any(c.startswith("npm") for c in calls(checkout))


def test_a_changed_pyproject_reinstalls(checkout):
    assert setup(checkout).returncode == 0
    with (checkout / "pyproject.toml").open("a") as f:
        f.write("\n# a new dependency line\n")
    assert "pip: chot (editable)" in setup(checkout).stdout


def test_a_failing_apt_names_the_log_and_shows_its_end(checkout):
    failed = setup(checkout, missing="mosquitto", apt_fail="mosquitto")
    assert failed.returncode != 0
    assert "Get:" not in failed.stdout
    log = checkout / ".venv" / "setup.log"
    assert f"full output in {log}" in failed.stderr
    assert "E: Unable to locate package mosquitto" in failed.stderr
    assert "FAILED: " in failed.stderr
    assert "env DEBIAN_FRONTEND=noninteractive apt-get install" in failed.stderr
    assert not (checkout / ".venv" / "bin").exists()  # it stopped there


def test_every_python_folder_of_the_product_is_a_package_the_install_finds():
    """A folder without __init__.py, or outside packages.find, would be left out of a wheel."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    found = set(find_packages(str(ROOT), include=include))
    roots = {pattern.rstrip("*") for pattern in include}
    folders = {".".join(p.parent.relative_to(ROOT).parts) for root in roots
               for p in (ROOT / root).rglob("*.py")
               if "__pycache__" not in p.parts}
    assert folders - found == set()
    assert {"screening.certificates", "center.dashboard.widgets"} <= found
