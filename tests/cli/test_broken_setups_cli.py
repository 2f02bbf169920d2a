"""Every command, every broken config or file: exit code 2, a reason code, Vietnamese and
English, never a traceback. Each case runs `chot` as a subprocess, as an operator would."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from argparse import Namespace
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from chot.commands.keys import generate
from screening.default_policy import DEFAULT_BODY

EXAMPLES = Path(__file__).resolve().parents[2] / "deploy" / "examples"
VIETNAMESE = re.compile("[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]")
ENGLISH = re.compile(r"/ [A-Za-z{][\w{}.' ]*[a-z]")


@pytest.fixture(scope="module")
def busy_port() -> Iterator[int]:
    """A loopback port another program is listening on."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Good keys, policy and trust files, and one config per way of breaking it."""
    root = tmp_path_factory.mktemp("setup")
    assert generate(Namespace(out=str(root / "keys"), force=False)) == 0
    (root / "policy.json").write_text(json.dumps({**DEFAULT_BODY, "province": "11"}), "utf-8")
    (root / "trust.json").write_text(json.dumps({"issuers": [str(root / "keys/issuer.pub")]}))
    (root / "a-folder").mkdir()
    (root / "garbage.pem").write_text("not a certificate\n")
    (root / "plain-file").write_text("x")
    base = f'province = "11"\ninstance = "c1"\nlearn_kiosks = true\n' \
           f'[store]\npath = "{root}/center.db"\n[broker]\nhost = "127.0.0.1"\nport = 1\n'
    for name, extra in {
            "center-ok": "",
            "center-no-password": f'username = "center"\npassword_file = "{root}/none.pw"\n',
            "center-no-ca": f'[broker.tls]\nca_file = "{root}/none.crt"\n',
            "center-ca-folder": f'[broker.tls]\nca_file = "{root}/a-folder"\n',
            "center-ca-garbage": f'[broker.tls]\nca_file = "{root}/garbage.pem"\n',
            "center-reports-under-a-file": f'[report]\nfolder = "{root}/plain-file/reports"\n',
            "center-ledger-a-file": f'[publish]\nledger = "{root}/plain-file"\n',
    }.items():
        (root / f"{name}.toml").write_text(base + extra, "utf-8")
    (root / "not-toml.toml").write_text("province = \n[[[", "utf-8")
    for example in ("gateway", "kiosk-link", "kiosk"):
        # The shipped examples, their /etc and /var paths moved under root: nothing exists yet.
        text = (EXAMPLES / f"{example}.toml").read_text("utf-8")
        text = text.replace("/etc/chot", f"{root}/etc").replace("/var/lib/chot", str(root))
        (root / f"{example}.toml").write_text(text, "utf-8")
    return root


def center(config: str, *argv: str) -> Callable[[Path, int], list[str]]:
    return lambda root, _port: ["center", "--config", f"{root}/{config}.toml", *argv]


def publish(kind: str, config: str, key: str = "keys/center.key",
            file: str | None = None) -> Callable[[Path, int], list[str]]:
    return lambda root, _port: ["center", kind, "publish", "--config", f"{root}/{config}.toml",
                                "--key", f"{root}/{key}", f"{root}/{file or kind + '.json'}"]


def command(*argv: str) -> Callable[[Path, int], list[str]]:
    return lambda root, port: [a.format(root=root, port=port) for a in argv]


CASES = {
    "center headless, password file missing": (center("center-no-password", "--headless"),
                                               "password_file_unreadable"),
    "center headless, CA file missing": (center("center-no-ca", "--headless"),
                                         "tls_file_unreadable"),
    "center headless, CA file a folder": (center("center-ca-folder", "--headless"),
                                          "tls_file_unreadable"),
    "center headless, CA file not PEM": (center("center-ca-garbage", "--headless"),
                                         "tls_file_unusable"),
    "center headless, reports folder under a file": (
        center("center-reports-under-a-file", "--headless"), "folder_unusable"),
    "policy publish, ledger folder a file": (publish("policy", "center-ledger-a-file"),
                                             "folder_unusable"),
    "center headless, config missing": (center("none", "--headless"), "config_unreadable"),
    "center headless, config not TOML": (center("not-toml", "--headless"), "config_not_toml"),
    "center view, password file missing": (center("center-no-password", "--view"),
                                           "password_file_unreadable"),
    "center serve, CA file missing": (center("center-no-ca", "--serve"),
                                      "tls_file_unreadable"),
    "center serve, port in use": (command("center", "--config", "{root}/center-ok.toml",
                                          "--serve", "--port", "{port}"), "port_in_use"),
    "policy publish, password file missing": (publish("policy", "center-no-password"),
                                              "password_file_unreadable"),
    "policy publish, CA file missing": (publish("policy", "center-no-ca"),
                                        "tls_file_unreadable"),
    "policy publish, key missing": (publish("policy", "center-ok", key="none.key"),
                                    "file_invalid"),
    "policy publish, policy a folder": (publish("policy", "center-ok", file="a-folder"),
                                        "file_invalid"),
    "trust publish, password file missing": (publish("trust", "center-no-password"),
                                             "password_file_unreadable"),
    "trust publish, CA file not PEM": (publish("trust", "center-ca-garbage"),
                                       "tls_file_unusable"),
    "trust publish, trust file missing": (publish("trust", "center-ok", file="none.json"),
                                          "file_invalid"),
    "report, config not TOML": (command("center", "report", "--config", "{root}/not-toml.toml"),
                                "config_not_toml"),
    "arrivals, --out under a file": (command("center", "arrivals", "--config",
                                             "{root}/center-ok.toml", "--ward", "03127",
                                             "--csv", "--out", "{root}/plain-file/a.csv"),
                                     "write_failed"),
    "kiosk serve, port in use": (command("kiosk", "--config", "{root}/kiosk.toml", "--serve",
                                         "--port", "{port}"), "port_in_use"),
    "kiosk, config missing": (command("kiosk", "--config", "{root}/none.toml"),
                              "config_invalid"),
    "kiosk, policy and devices missing": (command("kiosk", "--config", "{root}/kiosk.toml"),
                                          "file_invalid"),
    "gateway, center key missing": (command("gateway", "--config", "{root}/gateway.toml"),
                                    "file_invalid"),
    "sim load, center key missing": (command("sim", "load", "--config", "{root}/kiosk-link.toml",
                                             "--events", "1"), "file_invalid"),
    "verify, trust file missing": (command("verify", "x", "--trust", "{root}/none.pub"),
                                   "file_invalid"),
    "verify, center key missing": (command("verify", "x", "--center-pub", "{root}/none.pub"),
                                   "file_invalid"),
    "verify, policy a folder": (command("verify", "x", "--policy", "{root}/a-folder"),
                                "file_invalid"),
    "trust import, list missing": (command("trust", "import", "{root}/none.json", "--out",
                                           "{root}/out.json"), "file_invalid"),
    "trust import, --into missing": (command("trust", "import", "{root}/keys/issuer.pub",
                                             "--into", "{root}/none.json", "--out",
                                             "{root}/out.json"), "file_invalid"),
    "keys generate, folder under a file": (command("keys", "generate", "--out",
                                                   "{root}/plain-file/keys"), "write_failed"),
    "declare, key missing": (command("declare", "--key", "{root}/none.key", "--json",
                                     "{root}/policy.json"), "file_invalid"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_broken_setup_gets_a_clean_bilingual_refusal(setup, busy_port, name):
    argv, reason = CASES[name]
    proc = subprocess.run([sys.executable, "-m", "chot", *argv(setup, busy_port)],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    said = proc.stdout + proc.stderr
    assert "Traceback" not in said, said
    assert proc.returncode == 2, said
    assert reason in said, said
    assert VIETNAMESE.search(said) and ENGLISH.search(said), said
    assert "Serving" not in said  # nothing claimed before the refusal


def test_a_config_problem_found_deep_inside_a_command_still_ends_cleanly(monkeypatch, capsys):
    from chot.cli import main
    from chot.commands.center import report
    from infra.config import ConfigProblem

    def deep(_args: object) -> int:
        raise ConfigProblem("/etc/chot/ca.crt", "tls.ca_file: không đọc được / cannot be read",
                            "tls_file_unreadable")

    monkeypatch.setattr(report, "report", deep)
    assert main(["center", "report", "--config", "x.toml"]) == 2
    answer = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert answer["reason"] == "tls_file_unreadable" and "cannot be read" in answer["error"]
