"""Tooling for the thermometer node's firmware: the stub type-check and mpremote deployment."""

from __future__ import annotations

import contextlib
import importlib.metadata
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

STUB_DISTRIBUTIONS = ("micropython-rp2-stubs", "micropython-stdlib-stubs")
# How long a node that acknowledged MAINTENANCE may take to reappear as a serial port.
ACCESS_WAIT_S = 10.0
# What the stubs' own sources trip over under mypy is not ours to fix; only firmware/ counts.
_MYPY_ERROR = re.compile(r"^(?P<path>[^:\n]+\.py):\d+: error:", re.MULTILINE)


@dataclass(frozen=True)
class CheckResult:
    """Outcome of type-checking the firmware: ok, the files checked, errors and mypy's text."""

    ok: bool
    files: list[str]
    errors: int
    stubs: list[str]
    output: str


@dataclass(frozen=True)
class DeployResult:
    """Outcome of copying the firmware: ok, the device paths written, or why it failed."""

    ok: bool
    files: list[str]
    reason: str | None


def _stub_root(distribution: str) -> tuple[Path, list[str], str]:
    dist = importlib.metadata.distribution(distribution)
    own_metadata = distribution.replace("-", "_")
    files = [str(f) for f in dist.files or [] if not str(f).startswith(("..", own_metadata))]
    root = Path(str(dist.locate_file("")))
    return root, files, f"{distribution}=={dist.version}"


def _typings_dir(target: Path) -> tuple[list[str], list[str]]:
    """Link the stub distributions' files into target; returns (module names, versions)."""
    modules: set[str] = set()
    versions = []
    for distribution in STUB_DISTRIBUTIONS:
        root, files, version = _stub_root(distribution)
        versions.append(version)
        for name in files:
            top = name.split("/", 1)[0]
            # Stub modules and packages only: skip READMEs, licences and metadata.
            if not (top.endswith(".pyi") or "/" in name) or top.endswith(".dist-info"):
                continue
            link = target / top
            if not link.exists():
                link.symlink_to(root / top)
            if top not in ("stdlib", "stubs"):
                modules.add(top.removesuffix(".pyi"))
    return sorted(modules), versions


def _mypy_config(target: Path, modules: list[str]) -> Path:
    silenced = ",".join(f"{m},{m}.*" for m in modules)
    config = target / "mypy.ini"
    config.write_text(
        "[mypy]\n"
        f"mypy_path = {target}\n"
        f"custom_typeshed_dir = {target}\n"
        "no_site_packages = True\n"
        "follow_imports = silent\n"
        "check_untyped_defs = True\n"
        "warn_unused_ignores = False\n"
        f"[mypy-{silenced}]\n"
        "ignore_errors = True\n", encoding="utf-8")
    return config


def firmware_files(firmware_dir: Path) -> list[Path]:
    """The firmware's Python files, in a stable order."""
    return sorted(firmware_dir.glob("*.py"))


def check_firmware(firmware_dir: Path) -> CheckResult:
    """Type-check firmware_dir with mypy against the MicroPython rp2 and stdlib stubs only."""
    files = firmware_files(firmware_dir)
    with tempfile.TemporaryDirectory(prefix="chot-stubs-") as tmp:
        target = Path(tmp)
        modules, versions = _typings_dir(target)
        config = _mypy_config(target, modules)
        run = subprocess.run(
            [sys.executable, "-m", "mypy", "--config-file", str(config),
             "--cache-dir", str(target / ".mypy_cache"), *map(str, files)],
            cwd=firmware_dir.parent, capture_output=True, text=True, check=False)
    output = run.stdout + run.stderr
    errors = len(_MYPY_ERROR.findall(output))
    rel = [str(f.relative_to(firmware_dir.parent)) for f in files]
    return CheckResult(run.returncode == 0, rel, errors, versions, output)


def _mpremote(port: str, *args: str, timeout: float = 60.0,
              access_wait_s: float = 0.0) -> subprocess.CompletedProcess[str]:
    deadline = time.monotonic() + access_wait_s
    while True:
        done = subprocess.run([sys.executable, "-m", "mpremote", "connect", port, *args],
                              capture_output=True, text=True, timeout=timeout, check=False)
        # After the maintenance reset the USB port vanishes and comes back; mpremote tries once.
        if "failed to access" not in done.stderr + done.stdout or time.monotonic() > deadline:
            return done
        time.sleep(0.5)


def request_maintenance(port: str, timeout_s: float = 2.0) -> bool:
    """Ask running firmware to reboot with its REPL free; False when nothing acknowledged."""
    from hardware.thermometer_port import send_maintenance

    return send_maintenance(port, timeout_s)


def deploy_firmware(firmware_dir: Path, port: str, request_maintenance_first: bool = True,
                    settle_s: float = 2.0) -> DeployResult:
    """Copy firmware/*.py to :firmware/ and firmware/main.py to :main.py, then reset the node."""
    rebooting = request_maintenance_first and request_maintenance(port)
    if rebooting:
        # The node resets into its maintenance boot; USB re-enumerates meanwhile.
        time.sleep(settle_s)
    wait = ACCESS_WAIT_S if rebooting else 0.0
    files = firmware_files(firmware_dir)
    written = [f"firmware/{path.name}" for path in files] + ["main.py"]
    try:
        made = _mpremote(port, "fs", "mkdir", ":firmware", access_wait_s=wait)
        output = made.stderr + made.stdout
        if made.returncode != 0 and "EEXIST" not in output and "File exists" not in output:
            return _failed(port, made)
        copied = _mpremote(port, "fs", "cp", *map(str, files), ":firmware/",
                           "+", "fs", "cp", str(firmware_dir / "main.py"), ":main.py",
                           "+", "reset", timeout=120.0, access_wait_s=wait)
        if copied.returncode != 0:
            return _failed(port, copied)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return DeployResult(False, [], str(exc))
    return DeployResult(True, written, None)


def _failed(port: str, done: subprocess.CompletedProcess[str]) -> DeployResult:
    # A node left in its maintenance REPL would not measure: reset it to the old firmware.
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        _mpremote(port, "reset", timeout=10.0, access_wait_s=0.0)
    return DeployResult(False, [], _reason(done))


def _reason(done: subprocess.CompletedProcess[str]) -> str:
    return (done.stderr or done.stdout).strip()[-300:] or f"mpremote exited {done.returncode}"
