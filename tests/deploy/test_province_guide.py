"""A province set up from docs/deployment.md alone: its commands, in its order, with the
shipped examples and broker configs, on real brokers, until a post's events reach the center
and the center's signed policy and trust list reach the post."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from infra.polling import wait_until
from sim.broker import MosquittoBroker, TlsFiles
from sim.shipped_brokers import ShippedBroker, make_tls

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "deploy" / "examples"
GUIDE = REPO / "docs" / "deployment.md"
# The commands of "The first policy and trust list" and "Checking a new post", as written.
COMMANDS = [
    "chot keys generate --out /etc/chot/keys",
    "chot broker access --registry /etc/chot/registry.toml --out /root/chot-access",
    "chot center --config /etc/chot/center.toml --headless",
    "chot center policy example --province 01 > /etc/chot/policy.json",
    "cp /etc/chot/keys/issuer.pub /etc/chot/issuer.pub",
    "chot center policy publish --config /etc/chot/center.toml /etc/chot/policy.json",
    "chot center trust publish --config /etc/chot/center.toml /etc/chot/trust.json",
    "chot gateway --config /etc/chot/gateway.toml",
    "chot sim load --config kiosk-link.toml --events 20 --rate 5",
]


class Province:
    """The machines' folders in one temporary tree: /etc/chot, /var/lib/chot, the access."""

    def __init__(self, root: Path) -> None:
        self.etc, self.var, self.access = root / "etc", root / "var", root / "access"
        for folder in (self.etc, self.var):
            folder.mkdir(mode=0o700)
        self.tls: TlsFiles = make_tls(root / "tls")
        self.processes: list[subprocess.Popen[bytes]] = []

    def path(self, text: str) -> str:
        """A guide command or config with its system paths moved into the tree."""
        return (text.replace("/etc/chot/", f"{self.etc}/").replace("/var/lib/chot/", f"{self.var}/")
                .replace("/root/chot-access", str(self.access)))

    def run(self, command: str, stdin: str | None = None) -> str:
        """Run one of the guide's commands (`chot` is the checkout's); its stdout."""
        line = self.path(command)
        if line.startswith("cp "):
            _, source, target = line.split()
            shutil.copy(source, target)
            return ""
        args, _, redirect = line.partition(" > ")
        done = subprocess.run([sys.executable, "-m", *args.split()], capture_output=True,
                              text=True, timeout=120, input=stdin)
        assert done.returncode == 0, f"{command}: {done.stdout[-800:]} {done.stderr[-800:]}"
        if redirect:
            Path(redirect).write_text(done.stdout)
        return done.stdout

    def start(self, command: str) -> None:
        """Start a long-running command of the guide (as its unit would)."""
        self.processes.append(subprocess.Popen([sys.executable, "-m", *self.path(command).split()],
                                               stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL))

    def install(self, example: str, swaps: dict[str, str], name: str | None = None) -> Path:
        """deploy/examples/EXAMPLE as installed: each swap must still match the example."""
        text = (EXAMPLES / example).read_text("utf-8")
        for old, new in swaps.items():
            assert old in text, f"{example} no longer has {old!r}"
            text = text.replace(old, new)
        target = self.etc / (name or example)
        target.write_text(self.path(text), "utf-8")
        return target

    def stop(self) -> None:
        """Stop what was started, newest first."""
        for process in reversed(self.processes):
            process.terminate()
            process.wait(timeout=20)


@pytest.fixture
def province(tmp_path: Path) -> Iterator[Province]:
    """An empty province tree."""
    made = Province(tmp_path)
    yield made
    made.stop()


def shipped_broker(name: str, province: Province, access: Path,
                   factory: Callable[..., MosquittoBroker]) -> ShippedBroker:
    """deploy/mosquitto/NAME.conf with the dynamic-security file `chot broker access` wrote."""
    shipped = ShippedBroker(name, province.var.parent, province.tls)
    factory(port=shipped.port, workdir=shipped.dir, config=shipped.config(),
            dynsec=json.loads((access / "dynamic-security.json").read_text()))
    return shipped


def test_the_guide_sets_up_a_province_whose_post_reaches_the_center(
        province: Province, mosquitto_factory: Callable[..., MosquittoBroker]) -> None:
    guide = GUIDE.read_text("utf-8")
    at = guide.index("## The first policy and trust list")
    for command in COMMANDS:  # each one in the guide, after the one before it
        at = guide.find(command, at)
        assert at >= 0, f"the guide does not say {command!r} there"

    shutil.copy(EXAMPLES / "registry.toml", province.etc / "registry.toml")
    shutil.copy(EXAMPLES / "trust.json", province.etc / "trust.json")
    province.run(COMMANDS[0])
    province.run(COMMANDS[1])
    center_broker = shipped_broker("center", province, province.access / "center",
                                   mosquitto_factory)
    passwords = province.access / "center" / "passwords"
    province.install("center.toml", {"port = 1883": f"port = {center_broker.port}",
                                     "/etc/chot/center.password":
                                         str(passwords / "center-1.password")})
    province.start(COMMANDS[2])
    province.run(COMMANDS[3])
    assert json.loads((province.etc / "policy.json").read_text())["province"] == "01"
    province.run(COMMANDS[4])
    policy = json.loads(province.run(COMMANDS[5]).splitlines()[-1])
    trust = json.loads(province.run(COMMANDS[6]).splitlines()[-1])
    assert policy["version"] == 1 and trust["version"] == 1, (policy, trust)

    post_access = province.access / "posts" / "HN-001"
    post_broker = shipped_broker("post", province, post_access, mosquitto_factory)
    province.install("gateway.toml", {
        "port = 1883": f"port = {post_broker.port}",
        "/etc/chot/post-broker.password": str(post_access / "passwords" / "gateway.password"),
        "mqtt.chot.example.gov.vn": "127.0.0.1",
        "port = 8883": f"port = {center_broker.tls_port}",
        "/etc/chot/center-broker.password": str(passwords / "HN-001.password"),
        "/etc/chot/province-ca.crt": str(province.tls.ca_file),
        "/etc/chot/center.pub": "/etc/chot/keys/center.pub"})
    province.start(COMMANDS[7])
    kiosk = province.install("kiosk-link.toml", {
        "192.168.10.1": "127.0.0.1",
        "port = 8883": f"port = {post_broker.tls_port}",
        "/etc/chot/post-broker.password": str(post_access / "passwords" / "K1.password"),
        "/etc/chot/post-ca.crt": str(province.tls.ca_file),
        "/etc/chot/center.pub": "/etc/chot/keys/center.pub"})
    load = province.run(COMMANDS[8].replace("kiosk-link.toml", str(kiosk)))
    result = json.loads(load.splitlines()[-1])
    assert result["acked"] == result["recorded"] == 20, result
    # The center stored them, and the post took the center's documents.
    def stored() -> int:
        with sqlite3.connect(province.var / "center.db") as store:
            return int(store.execute("SELECT count(*) FROM events").fetchone()[0])

    wait_until(lambda: stored() >= 20, 20, step=0.2)
    assert stored() == 20
    assert result["docs_accepted"] >= 2 and result["docs_rejected"] == 0, result
