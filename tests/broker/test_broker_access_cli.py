"""`chot broker access`: the files it writes, a broker that takes them, and rotation."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sim.broker import MosquittoBroker
from tests.broker.parts import REPO, Device

REGISTRY = REPO / "deploy" / "examples" / "registry.toml"


def access(out: Path, registry: Path = REGISTRY) -> subprocess.CompletedProcess[str]:
    """Run `chot broker access`."""
    return subprocess.run([sys.executable, "-m", "chot", "broker", "access", "--registry",
                           str(registry), "--out", str(out)], cwd=REPO, capture_output=True,
                          text=True, timeout=60)


def secret(path: Path) -> str:
    """A generated password file's password."""
    return path.read_text().strip()


def test_generated_logins_are_private_kept_across_runs_and_taken_by_mosquitto(
        tmp_path: Path, mosquitto_factory: Callable[..., MosquittoBroker]) -> None:
    out = tmp_path / "access"
    done = access(out)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["brokers"] == ["center", "posts/HN-001", "posts/HN-002"]
    # 2 center instances, 2 gateways and 1 ward at the center; 3 kiosks, 2 gateways, 3 admins
    assert len(result["new_passwords"]) == 13
    for path in out.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path
    k1 = out / "posts" / "HN-001" / "passwords" / "K1.password"
    first = secret(k1)
    assert json.loads(access(out).stdout.splitlines()[-1])["new_passwords"] == []
    assert secret(k1) == first
    broker = mosquitto_factory(dynsec=json.loads(
        (out / "posts" / "HN-001" / "dynamic-security.json").read_text()))
    kiosk = Device(broker.port, "K1", "kiosk-HN-001-K1", secret=first)
    assert kiosk.connected
    kiosk.close()
    assert Device(broker.port, "K1", "kiosk-HN-001-K1", secret="guess").connect_reason == \
        "Not authorized"


def test_a_deleted_password_is_rotated_and_mosquitto_ctrl_can_rotate_live(
        tmp_path: Path, mosquitto_factory: Callable[..., MosquittoBroker]) -> None:
    out = tmp_path / "access"
    access(out)
    center = out / "center"
    old = secret(center / "passwords" / "HN-001.password")
    (center / "passwords" / "HN-001.password").unlink()
    rerun = json.loads(access(out).stdout.splitlines()[-1])
    assert rerun["new_passwords"] == [str(center / "passwords" / "HN-001.password")]
    new = secret(center / "passwords" / "HN-001.password")
    assert new != old
    broker = mosquitto_factory(dynsec=json.loads((center / "dynamic-security.json").read_text()))
    assert Device(broker.port, "HN-001", "gateway-HN-001", secret=old).connect_reason == \
        "Not authorized"
    gateway = Device(broker.port, "HN-001", "gateway-HN-001", secret=new)
    assert gateway.connected
    gateway.close()
    admin = secret(center / "passwords" / "dynsec-admin.password")
    ctrl = subprocess.run(["mosquitto_ctrl", "-h", "127.0.0.1", "-p", str(broker.port),
                           "-u", "dynsec-admin", "-P", admin, "-i", "dynsec-admin",
                           "dynsec", "setClientPassword", "HN-001", "rotated-live"],
                          capture_output=True, text=True, timeout=30)
    assert ctrl.returncode == 0 and "Error" not in ctrl.stdout, ctrl.stdout + ctrl.stderr
    assert Device(broker.port, "HN-001", "gateway-HN-001", secret=new).connect_reason == \
        "Not authorized"
    gateway = Device(broker.port, "HN-001", "gateway-HN-001", secret="rotated-live")
    assert gateway.connected
    gateway.close()


def test_a_registry_whose_logins_clash_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    registry = tmp_path / "registry.toml"
    registry.write_text('province = "01"\n[[post]]\ncode = "P01"\nkiosks = ["gateway"]\n')
    done = access(tmp_path / "out", registry)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "'gateway'" in json.loads(done.stdout.splitlines()[-1])["error"]
    assert not (tmp_path / "out").exists()
    registry.write_text('province = "01"\n[[post]]\ncode = "P/01"\nkiosks = ["K1"]\n')
    done = access(tmp_path / "out", registry)
    assert done.returncode == 2 and "post" in done.stdout and "Traceback" not in done.stderr
