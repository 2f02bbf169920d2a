"""The shipped systemd units and example configs agree with what the brokers are given."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from center.broker_access import GATEWAY_ON_POST, center_access, post_access
from center.registry import load_registry
from center.settings import load_center_config
from gateway.config import GatewayConfig
from infra.config import load_config
from kiosk_ui.link_config import KioskLinkConfig
from tests.broker.parts import REPO, example_center_config

UNITS = REPO / "deploy" / "systemd"
EXAMPLES = REPO / "deploy" / "examples"
SERVICES = ("chot-center.service", "chot-center@.service", "chot-gateway.service")


@pytest.mark.parametrize("name", SERVICES)
def test_services_create_private_files_in_private_folders(name: str) -> None:
    settings = {line.partition("=")[0]: line.partition("=")[2]
                for line in (UNITS / name).read_text().splitlines() if "=" in line}
    assert settings["UMask"] == "0077" and settings["StateDirectoryMode"] == "0700"
    assert settings["NoNewPrivileges"] == "yes" and settings["PrivateTmp"] == "yes"
    assert settings["ProtectSystem"] == "strict" and settings["StateDirectory"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
@pytest.mark.parametrize("name", SERVICES)
def test_services_pass_systemd_analyze_verify(tmp_path: Path, name: str) -> None:
    # verify wants the command to exist; every other key is checked as shipped.
    unit = tmp_path / name.replace("@.", "@2.")
    unit.write_text((UNITS / name).read_text().replace("/opt/chot/.venv/bin/chot", "/bin/true"))
    done = subprocess.run(["systemd-analyze", "verify", unit.name], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr


def test_example_configs_use_the_logins_the_registry_generates(tmp_path: Path) -> None:
    registry = load_registry(EXAMPLES / "registry.toml")
    center_logins = {x.username: x for x in center_access(registry).logins}
    gateway = load_config(EXAMPLES / "gateway.toml", GatewayConfig)
    assert gateway.province == registry.province
    assert gateway.center_broker.username == gateway.post and gateway.post in center_logins
    assert gateway.post_broker.username == GATEWAY_ON_POST
    kiosk = load_config(EXAMPLES / "kiosk-link.toml", KioskLinkConfig)
    post_logins = {x.username for x in post_access(registry, kiosk.post).logins}
    assert kiosk.province == registry.province and kiosk.broker.username == kiosk.kiosk
    assert kiosk.kiosk in post_logins
    assert kiosk.broker.tls is not None and kiosk.broker.port == 8883
    for name in ("center.toml", "center-postgres.toml"):
        center, _ = load_center_config(example_center_config(name, tmp_path))
        assert center.registry == EXAMPLES / "registry.toml" and not center.learn_kiosks
        assert center.broker.username == center.instance and center.instance in registry.centers
        assert center.province == registry.province
    # Device logins are bound to the ids our programs choose; an example must not override them.
    assert None is gateway.post_broker.client_id is gateway.center_broker.client_id \
        is kiosk.broker.client_id


def test_the_kiosk_unit_owns_tty1_restarts_and_keeps_files_private() -> None:
    settings = {line.partition("=")[0]: line.partition("=")[2]
                for line in (UNITS / "chot-kiosk.service").read_text().splitlines()
                if "=" in line}
    assert settings["TTYPath"] == "/dev/tty1" and settings["StandardInput"] == "tty-fail"
    assert settings["Conflicts"] == "getty@tty1.service"  # no login prompt fighting the UI
    assert settings["Restart"] == "always" and settings["StartLimitIntervalSec"] == "0"
    assert settings["UMask"] == "0077" and settings["StateDirectoryMode"] == "0700"
    assert "dialout" in settings["SupplementaryGroups"]  # the serial devices
    assert "--config /etc/chot/kiosk.toml" in settings["ExecStart"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_the_kiosk_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    unit = tmp_path / "chot-kiosk.service"
    unit.write_text((UNITS / "chot-kiosk.service").read_text()
                    .replace("/opt/chot/.venv/bin/chot", "/bin/true"))
    done = subprocess.run(["systemd-analyze", "verify", unit.name], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr


def test_udev_names_the_node_the_kiosk_finds_and_the_example_config_uses() -> None:
    from hardware.thermometer_types import MICROPYTHON_RP2_PID, MICROPYTHON_RP2_VID
    from kiosk_ui.config import load_config as load_kiosk_config

    rules = [line for line in (REPO / "deploy" / "udev" / "99-chot.rules").read_text()
             .splitlines() if line and not line.startswith("#")]
    names = {}
    for rule in rules:
        keys = dict(part.strip().split("==") for part in rule.split(",") if "==" in part)
        link = next(p.split("+=")[1].strip('" ') for p in rule.split(",") if "SYMLINK+=" in p)
        assert keys["SUBSYSTEM"] == '"tty"' and 'MODE="0660"' in rule
        names[link] = (int(keys["ATTRS{idVendor}"].strip('"'), 16),
                       int(keys["ATTRS{idProduct}"].strip('"'), 16))
    assert names["chot-thermometer"] == (MICROPYTHON_RP2_VID, MICROPYTHON_RP2_PID)
    assert "chot-reader" in names
    kiosk = load_kiosk_config(EXAMPLES / "kiosk.toml")
    assert kiosk.thermometer.port == "/dev/chot-thermometer"
    assert kiosk.reader.port == "/dev/chot-reader"
    registry = load_registry(EXAMPLES / "registry.toml")
    assert kiosk.kiosk in (registry.kiosks_of(kiosk.post) or set())
    assert kiosk.gateway.tls is not None and kiosk.gateway.port == 8883
