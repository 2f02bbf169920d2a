"""`chot sim load` checks the center's documents with the config's center_keys, as a kiosk
does: a genuine policy is accepted, not refused as signed by an unknown key."""

from __future__ import annotations

import json
import subprocess
import sys
from argparse import Namespace
from pathlib import Path

from chot.commands.keys import generate
from screening.default_policy import DEFAULT_BODY
from tests.gateway.parts import PROV, REPO, center_toml, kiosk_toml


def chot(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "chot", *argv], capture_output=True,
                          text=True, timeout=120, cwd=REPO)


def test_sim_load_accepts_the_centers_genuine_policy(mosquitto, tmp_path: Path):
    assert generate(Namespace(out=str(tmp_path / "keys"), force=False)) == 0
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({**DEFAULT_BODY, "province": PROV}), "utf-8")
    # Published retained where the kiosk listens, as the gateway fans it out.
    published = chot("center", "policy", "publish", "--config",
                     str(center_toml(tmp_path, mosquitto.port)), "--key",
                     str(tmp_path / "keys" / "center.key"), str(policy))
    assert published.returncode == 0, published.stdout + published.stderr
    config = kiosk_toml(tmp_path, "k1", mosquitto.port, keys=[tmp_path / "keys" / "center.pub"])
    done = chot("sim", "load", "--config", str(config), "--events", "3", "--rate", "0",
                "--wait", "3")
    result = json.loads(done.stdout.splitlines()[-1])
    assert "unknown_key" not in done.stderr, done.stderr
    assert result["recorded"] == 3
    assert (result["docs_accepted"], result["docs_rejected"]) == (1, 0)
