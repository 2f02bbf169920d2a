"""The CLI under attack: undecodable argv, strict output encodings, hostile codes, exposed keys."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
import zlib
from argparse import Namespace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import base45
import cbor2
import pytest

from chot.commands.keys import generate
from infra.sqlite import write_private_file
from screening import cose, declaration
from screening.declaration import to_claims
from screening.default_policy import DEFAULT_BODY
from screening.files import FileProblem, read_signing_key
from screening.keys import SigningKey
from screening.signed_code import PREFIX


def chot(*args: str | bytes, encoding: str = "utf-8") -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "chot", *args], capture_output=True,
                          timeout=60, env={**os.environ, "PYTHONIOENCODING": encoding})
    assert b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")
    return proc


def last_json(proc: subprocess.CompletedProcess) -> dict:
    return json.loads(proc.stdout.decode().strip().splitlines()[-1])


def test_undecodable_argv_under_a_strict_encoding_still_gets_a_verdict():
    code = b"001099012345|123456789|Ng\xff\xfe|01021999|Nam|HN|15082021"
    for extra in (["--json"], []):
        proc = chot("verify", code, *extra, encoding="utf-8:strict")
        assert proc.returncode == 0
    result = last_json(chot("verify", code, "--json", encoding="utf-8:strict"))
    assert (result["outcome"], result["reasons"]) == ("rejected", ["undecodable"])
    assert result["messages"][0]["vi"] and result["messages"][0]["en"]


def test_a_strangers_decimal_bomb_is_answered_at_once():
    claims = to_claims(declaration.example(datetime.now(UTC))) | {
        "vd": cbor2.CBORTag(4, [99_999_999, 1])}
    signed = cose.sign(cbor2.dumps(claims), SigningKey.generate())
    code = PREFIX + base45.b45encode(zlib.compress(signed)).decode()
    started = time.monotonic()
    result = last_json(chot("verify", code, "--json"))
    assert time.monotonic() - started < 30  # start-up included; the attack took over 40 s
    assert result["reasons"] == ["unknown_key"]


def test_key_files_are_created_private_not_made_private_afterwards(tmp_path, monkeypatch):
    def no_chmod(*_args, **_kw):
        raise AssertionError("a key written readable and chmod'ed later was readable meanwhile")

    monkeypatch.setattr(Path, "chmod", no_chmod)
    monkeypatch.setattr(os, "chmod", no_chmod)
    old_umask = os.umask(0)  # the most permissive umask a service could run under
    try:
        assert generate(Namespace(out=str(tmp_path / "keys"), force=False)) == 0
        write_private_file(tmp_path / "again.key", b"pem")
    finally:
        os.umask(old_umask)
    for path in (tmp_path / "keys" / "issuer.key", tmp_path / "keys" / "center.key",
                 tmp_path / "again.key"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.key", "keys"]  # no temp left


def test_a_private_key_others_can_read_is_refused(tmp_path):
    key = tmp_path / "issuer.key"
    key.write_bytes(SigningKey.generate().to_pem())
    key.chmod(0o644)
    with pytest.raises(FileProblem, match="chmod 600") as caught:
        read_signing_key(key)
    assert caught.value.reason == "key_file_exposed"
    example = tmp_path / "decl.json"
    example.write_bytes(chot("declare", "--example").stdout)
    proc = chot("declare", "--key", str(key), "--json", str(example))
    assert proc.returncode == 2
    stderr = proc.stderr.decode()
    assert "khoá bí mật" in stderr and "readable by group or others" in stderr
    assert "key_file_exposed" in stderr and proc.stdout == b""
    key.chmod(0o600)
    assert chot("declare", "--key", str(key), "--json", str(example)).returncode == 0


def test_a_declaration_valid_for_100_years_is_refused_by_the_policy(tmp_path):
    assert chot("keys", "generate", "--out", str(tmp_path)).returncode == 0
    decl = json.loads(chot("declare", "--example").stdout)
    decl.pop("expires_at")
    (tmp_path / "long.json").write_text(json.dumps({**decl, "valid_hours": 24 * 365 * 100}))
    proc = chot("declare", "--key", str(tmp_path / "issuer.key"),
                "--json", str(tmp_path / "long.json"))
    assert "warning" in proc.stderr.decode()
    code = proc.stdout.decode().strip().splitlines()[-1]
    trust = ("--trust", str(tmp_path / "issuer.pub"))
    later = (datetime.now(UTC) + timedelta(days=3650)).isoformat()
    result = last_json(chot("verify", code, *trust, "--at", later, "--json"))
    assert result["reasons"] == ["validity_too_long"]
    policy = tmp_path / "lenient.json"
    policy.write_text(json.dumps({**DEFAULT_BODY, "max_validity_hours": 720}))
    month = (json.loads(chot("declare", "--example").stdout) | {"valid_hours": 600})
    month.pop("expires_at")
    (tmp_path / "month.json").write_text(json.dumps(month))
    code = chot("declare", "--key", str(tmp_path / "issuer.key"),
                "--json", str(tmp_path / "month.json")).stdout.decode().strip()
    assert last_json(chot("verify", code, *trust, "--json"))["reasons"] == ["validity_too_long"]
    lenient = last_json(chot("verify", code, *trust, "--policy", str(policy), "--json"))
    assert lenient["verification"] == "valid"


def test_an_image_bomb_is_refused_before_decoding(tmp_path):
    from tests.hardware_scan.image_bombs import png_bomb

    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_bomb(16_000))
    result = last_json(chot("verify", "--image", str(bomb), "--json"))
    assert (result["outcome"], result["reasons"]) == ("rejected", ["image_too_large"])
    message = result["messages"][0]
    assert message["code"] == "image_too_large" and "quá lớn" in message["vi"] \
        and "too large" in message["en"]
    text = chot("verify", "--image", str(bomb)).stdout.decode()
    assert "Ảnh quá lớn" in text and "Image too large" in text


def test_a_forged_names_terminal_escapes_are_printed_as_text_not_obeyed():
    name = "Ng\x1b[2J\x1b]0;pwned\x07Văn\u202eA\x9b1m"
    proc = chot("verify", f"001099012345||{name}|01021999|Nam|HN|15082021")
    out = proc.stdout.decode("utf-8")
    assert proc.returncode == 0
    assert not [ch for ch in out if ch in "\x1b\x07\u202e\x9b"]
    assert "Ng\\x1b[2J\\x1b]0;pwned\\x07Văn\\u202eA\\x9b1m (001099012345)" in out

    answer = chot("verify", f"001099012345||{name}|01021999|Nam|HN|15082021", "--json")
    line = answer.stdout.decode("utf-8")
    assert not [ch for ch in line if ch in "\x1b\x07\u202e\x9b"]
    assert json.loads(line)["identity"]["name"] == name  # the same name to a program
