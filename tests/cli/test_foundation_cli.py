"""The CLI contracts scripts are written against: keys, declare, verify."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CCCD = "001099012345|123456789|Nguyễn Thị Ánh Tuyết|01021999|Nữ|Số 12 Ngõ 34, Hà Nội|15082021"


def chot(*args: str, stdin: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "chot", *args], input=stdin,
                          capture_output=True, timeout=60,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert b"Traceback" not in proc.stderr, proc.stderr.decode()
    if check:
        assert proc.returncode == 0, proc.stderr.decode()
    return proc


def last_json(proc: subprocess.CompletedProcess) -> dict:
    return json.loads(proc.stdout.decode().strip().splitlines()[-1])


@pytest.fixture(scope="module")
def issued(tmp_path_factory) -> tuple[Path, str]:
    keys = tmp_path_factory.mktemp("keys")
    chot("keys", "generate", "--out", str(keys))
    example = keys / "decl.json"
    example.write_bytes(chot("declare", "--example").stdout)
    png = keys / "decl.png"
    out = chot("declare", "--key", str(keys / "issuer.key"), "--json", str(example),
               "--png", str(png))
    assert png.stat().st_size > 1000
    return keys, out.stdout.decode().strip().splitlines()[-1]


def test_keys_generate_writes_both_pairs_and_refuses_to_overwrite(tmp_path):
    first = last_json(chot("keys", "generate", "--out", str(tmp_path)))
    assert {p.name for p in tmp_path.iterdir()} == {"issuer.key", "issuer.pub", "center.key",
                                                    "center.pub"}
    assert oct((tmp_path / "issuer.key").stat().st_mode)[-3:] == "600"
    again = chot("keys", "generate", "--out", str(tmp_path), check=False)
    assert again.returncode != 0
    assert last_json(chot("keys", "generate", "--out", str(tmp_path), "--force")) != first


def test_fresh_declaration_verifies_with_the_name_exactly(issued):
    keys, code = issued
    example = json.loads((keys / "decl.json").read_text("utf-8"))
    result = last_json(chot("verify", code, "--trust", str(keys / "issuer.pub"), "--json"))
    assert result["verification"] == "valid"
    assert result["identity"]["name"] == example["name"]
    assert result["outcome"] == "medical_check"  # the example declares a cough
    assert "hot_zone_origin" in result["reasons"]


def test_changing_one_character_is_rejected(issued):
    keys, code = issued
    i = len(code) // 2
    tampered = code[:i] + ("A" if code[i] != "A" else "B") + code[i + 1:]
    result = last_json(chot("verify", tampered, "--trust", str(keys / "issuer.pub"), "--json"))
    assert result["outcome"] == "rejected"
    assert result["reasons"][0] in ("bad_signature", "bad_compression", "bad_cose", "bad_base45")


def test_untrusted_issuer_is_rejected(issued):
    _keys, code = issued
    result = last_json(chot("verify", code, "--json"))
    assert (result["outcome"], result["reasons"]) == ("rejected", ["unknown_key"])


def test_cccd_returns_the_vietnamese_name_exactly():
    result = last_json(chot("verify", CCCD, "--json"))
    assert result["identity"]["name"] == "Nguyễn Thị Ánh Tuyết"
    assert (result["kind"], result["outcome"]) == ("cccd", "incomplete")
    entered = last_json(chot("verify", CCCD, "--origin", "01/00070", "--dest", "11/03127",
                             "--json"))
    assert entered["outcome"] == "home_quarantine" and entered["notify_ward"] == "03127"


def test_temperature_and_time_options(issued):
    keys, code = issued
    late = last_json(chot("verify", code, "--trust", str(keys / "issuer.pub"), "--json",
                          "--at", "2099-01-01T00:00:00Z"))
    assert late["reasons"] == ["expired"]
    resident = "011088000123|Lò Văn Páo|01011988|Nam|Điện Biên|01012021"
    hot = last_json(chot("verify", resident, "--origin", "11", "--dest", "11/03127",
                         "--temp", "38.4", "--json"))
    assert (hot["outcome"], hot["reasons"]) == ("medical_check", ["fever"])


@pytest.mark.parametrize("garbage", [b"", b"\x00\xff\xfe" * 50, os.urandom(5000),
                                     b"KB1:" + b"A" * 5000, b"KB1:%%%%",
                                     b"001099012345|x|y"],
                         ids=["empty", "binary", "random", "oversize", "bad-base45", "half-cccd"])
def test_any_input_gets_an_answer_and_exit_zero(garbage):
    result = last_json(chot("verify", "-", "--json", stdin=garbage))
    assert result["outcome"] == "rejected"
    assert result["reasons"] and result["messages"][0]["vi"] and result["messages"][0]["en"]


def test_reads_the_code_from_its_qr_image(issued):
    keys, _code = issued
    result = last_json(chot("verify", "--image", str(keys / "decl.png"), "--trust",
                            str(keys / "issuer.pub"), "--json"))
    assert result["verification"] == "valid"


def test_usage_errors_exit_non_zero_without_traceback(tmp_path):
    assert chot("verify", "--json", check=False).returncode == 2
    assert chot("verify", "x", "--at", "yesterday", check=False).returncode == 2
    assert chot("verify", "x", "--policy", str(tmp_path / "none.json"), check=False).returncode == 2
    bad = tmp_path / "bad.json"
    bad.write_text('{"province": "11", "rules": [], "colour": "red"}')
    proc = chot("verify", "x", "--policy", str(bad), check=False)
    assert proc.returncode == 2 and b"colour" in proc.stderr
