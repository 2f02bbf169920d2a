"""Publishing the policy and the trust list: signed, retained, versions that only grow."""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from center.settings import load_center_config
from chot.commands.center import publish as publish_command
from screening.default_policy import DEFAULT_BODY
from screening.keys import SigningKey, keyring
from screening.policy import parse_policy, policy_body
from screening.signed_doc import SignedDoc, accept_update, open_doc
from screening.trust import issuer_keys


def publish(capsys: pytest.CaptureFixture[str], kind: str, config: Path, file: Path,
            key: Path | None = None) -> tuple[int, dict[str, Any]]:
    args = argparse.Namespace(tool_config=str(config), file=str(file),
                              key=str(key) if key else None)
    handler = publish_command.publish_policy if kind == "policy" else publish_command.publish_trust
    code = handler(args)
    return code, json.loads(capsys.readouterr().out.splitlines()[-1])


def retained(port: int, topic: str) -> dict[str, Any]:
    """What a third party subscribing now gets first: the retained document."""
    out = subprocess.run(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-t", topic,
                          "-C", "1", "-W", "5"], capture_output=True, text=True, timeout=10)
    return json.loads(out.stdout)


@pytest.fixture
def keys(tmp_path: Path) -> tuple[SigningKey, Path]:
    key = SigningKey.generate()
    path = tmp_path / "center.key"
    path.write_bytes(key.to_pem())
    path.chmod(0o600)  # keys others can read are refused
    return key, path


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def test_each_publication_is_signed_retained_and_one_version_up(mosquitto_factory,
                                                                center_config, keys, capsys,
                                                                tmp_path: Path):
    broker = mosquitto_factory(persistence=False)
    key, key_path = keys
    config = center_config(broker, extra=f'[publish]\nkey = "{key_path}"\n')
    policy_file = write_json(tmp_path / "policy.json",
                             {**DEFAULT_BODY, "fever_threshold_c": 37.8})
    kiosk_version: int | None = None
    for expected in (1, 2):
        code, answer = publish(capsys, "policy", config, policy_file)
        assert code == 0 and answer["version"] == expected and answer["kid"] == key.kid.hex()
        envelope = retained(broker.port, "chot/v1/11/policy")
        doc = accept_update(kiosk_version, envelope, "policy", keyring([key.public]))
        assert isinstance(doc, SignedDoc) and doc.version == expected
        assert parse_policy(doc.body, doc.version).fever_threshold_c == 37.8
        kiosk_version = doc.version
    # The broker loses its retained messages: the ledger still knows version 2.
    broker.restart()
    code, answer = publish(capsys, "policy", config, policy_file)
    assert answer["version"] == 3
    # A second center machine with an empty ledger reads the retained version instead.
    other = center_config(broker, instance="center-2",
                          extra=f'[publish]\nkey = "{key_path}"\nledger = "{tmp_path / "b"}"\n')
    code, answer = publish(capsys, "policy", other, policy_file)
    assert answer["version"] == 4
    cfg, _sections = load_center_config(config)
    assert json.loads((cfg.store.files_folder() / "published-policy.json")
                      .read_text())["version"] == 3


def test_a_trust_list_names_issuers_by_key_file(mosquitto_factory, center_config, keys,
                                                capsys, tmp_path: Path):
    broker = mosquitto_factory()
    key, key_path = keys
    issuers = [SigningKey.generate() for _ in range(2)]
    for n, issuer in enumerate(issuers):
        (tmp_path / f"issuer{n}.pub").write_bytes(issuer.public.to_pem())
    trust_file = write_json(tmp_path / "trust.json", {"issuers": [
        {"name": "Cổng khai báo y tế Điện Biên", "public_key_file": "issuer0.pub"},
        {"name": "Sở Y tế", "public_key_file": "issuer1.pub"}]})
    config = center_config(broker)
    code, answer = publish(capsys, "trust", config, trust_file, key_path)
    assert code == 0 and answer["topic"] == "chot/v1/11/trust" and answer["version"] == 1
    doc = open_doc(retained(broker.port, "chot/v1/11/trust"), "trust", keyring([key.public]))
    assert isinstance(doc, SignedDoc)
    assert set(issuer_keys(doc.body)) == {i.kid for i in issuers}
    assert doc.body["issuers"][0]["name"] == "Cổng khai báo y tế Điện Biên"


@pytest.mark.parametrize("kind, content, reason, says", [
    ("policy", {**DEFAULT_BODY, "fever": 38}, "policy_invalid", "fever"),
    ("policy", {**DEFAULT_BODY, "province": "01"}, "wrong_province", "01"),
    ("policy", [1, 2], "policy_invalid", "object"),
    ("trust", {"issuers": []}, "trust_invalid", "issuers"),
    ("trust", {"issuers": [{"name": "x", "public_key_file": "missing.pub"}]},
     "trust_invalid", "missing.pub"),
    ("trust", {"issuers": [{"name": "x", "kid": "00", "public_key": "AAAA"}]},
     "trust_invalid", "issuers[0]"),
])
def test_a_bad_document_is_refused_before_anything_is_published(
        mosquitto_factory, center_config, keys, capsys, tmp_path: Path, kind, content, reason,
        says):
    broker = mosquitto_factory()
    config = center_config(broker)
    code, answer = publish(capsys, kind, config, write_json(tmp_path / "doc.json", content),
                           keys[1])
    assert code == 2 and answer["reason"] == reason and says in answer["error"]
    out = subprocess.run(["mosquitto_sub", "-p", str(broker.port), "-t", f"chot/v1/11/{kind}",
                          "-C", "1", "-W", "3"], capture_output=True, text=True, timeout=10)
    assert out.stdout == ""


def test_no_key_no_broker_no_file(center_config, keys, capsys, tmp_path: Path):
    policy_file = write_json(tmp_path / "policy.json", policy_body(parse_policy(DEFAULT_BODY)))
    config = center_config(None)
    code, answer = publish(capsys, "policy", config, policy_file)
    assert (code, answer["reason"]) == (2, "key_missing")
    code, answer = publish(capsys, "policy", config, policy_file, keys[1])
    assert (code, answer["reason"]) == (2, "broker_unreachable")
    code, answer = publish(capsys, "policy", config, tmp_path / "nope.json", keys[1])
    assert (code, answer["reason"]) == (2, "file_invalid")


def test_a_trust_list_over_the_brokers_packet_limit_is_refused_by_name(
        mosquitto_factory, center_config, keys, capsys, tmp_path: Path):
    import os
    from datetime import UTC, datetime

    from screening.certificates import Framework
    from screening.certificates.revocation import HashType, Revocations
    from screening.certificates.revocation_lists import export_revocations

    broker = mosquitto_factory(extra_config="max_packet_size 65536\n")
    issuer = SigningKey.generate()
    (tmp_path / "issuer.pub").write_bytes(issuer.public.to_pem())
    lists = Revocations(dcc={"a2lkLWtpZA==": {HashType.UCI: {
        os.urandom(16): None for _ in range(5000)}}},
        fetched_at={Framework.HCERT: datetime.now(UTC)})
    trust_file = write_json(tmp_path / "trust.json", {
        "issuers": [{"name": "Sở Y tế", "public_key_file": "issuer.pub"}],
        "revocation": export_revocations(lists)})
    code, answer = publish(capsys, "trust", center_config(broker), trust_file, keys[1])
    assert code == 2 and answer["reason"] == "document_too_large", answer
    assert "max_packet_size 65536" in answer["error"]
    out = subprocess.run(["mosquitto_sub", "-p", str(broker.port), "-t", "chot/v1/11/trust",
                          "-C", "1", "-W", "3"], capture_output=True, text=True, timeout=10)
    assert out.stdout == ""
