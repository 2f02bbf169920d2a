"""The shipped systemd units and example configs agree with what the brokers are given."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from center.broker_access import GATEWAY_ON_POST, center_access, post_access
from center.registry import load_registry
from center.settings import load_center_config
from gateway.config import GatewayConfig, KioskLinkConfig, load_config
from tests.broker.parts import REPO

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


def test_example_configs_use_the_logins_the_registry_generates() -> None:
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
        center, _ = load_center_config(EXAMPLES / name)
        assert center.broker.username == center.instance and center.instance in registry.centers
        assert center.province == registry.province
    # Device logins are bound to the ids our programs choose; an example must not override them.
    assert None is gateway.post_broker.client_id is gateway.center_broker.client_id \
        is kiosk.broker.client_id
