"""Foreign-certificate signers travel as data: imported, signed and published by the center,
read by a kiosk from the same verified trust document that names the declaration issuers."""

from __future__ import annotations

import argparse
import base64
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec

from chot.commands.center import publish as publish_command
from kiosk_ui.config import PolicySection
from kiosk_ui.policy_files import FilePolicy, load_policy
from kiosk_ui.ports import PolicyInForce
from screening.certificates import Framework, export_trust
from screening.certificates.issue import jwk_of, sign_shc
from screening.default_policy import DEFAULT_BODY, default_policy
from screening.keys import SigningKey, keyring
from screening.scan import Verification, read_code
from screening.signed_doc import SignedDoc, open_doc
from screening.trust import certificate_trust, issuer_keys
from tests.certificates.vectors import SHC_ISSUER, make_signer, shc_claims, vaccination

NOW = datetime.now(UTC).replace(microsecond=0)
LISTED = NOW - timedelta(days=2)


def retained(port: int, topic: str) -> dict:
    out = subprocess.run(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-t", topic,
                          "-C", "1", "-W", "5"], capture_output=True, text=True, timeout=10)
    return json.loads(out.stdout)


def test_imported_signers_are_published_signed_and_a_kiosk_verifies_with_them(
        mosquitto_factory, center_config, tmp_path: Path, capsys):
    broker = mosquitto_factory(persistence=False)
    center, issuer = SigningKey.generate(), SigningKey.generate()
    (tmp_path / "center.key").write_bytes(center.to_pem())
    (tmp_path / "center.key").chmod(0o600)
    (tmp_path / "center.pub").write_bytes(center.public.to_pem())
    (tmp_path / "issuer.pub").write_bytes(issuer.public.to_pem())
    (tmp_path / "body.json").write_text(json.dumps(
        {"issuers": [{"name": "Cổng khai báo", "public_key_file": "issuer.pub"}]}))
    signer = make_signer(ec.generate_private_key(ec.SECP256R1()),
                         not_before=NOW - timedelta(days=90), not_after=NOW + timedelta(days=90))
    (tmp_path / "gateway.json").write_text(json.dumps([{
        "kid": base64.b64encode(signer.kid).decode(), "country": "VN",
        "certificateType": "DSC", "rawData": base64.b64encode(signer.der).decode()}]))
    shc_key = ec.generate_private_key(ec.SECP256R1())
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [jwk_of(shc_key.public_key())]}))

    imported = subprocess.run(
        [sys.executable, "-m", "chot", "trust", "import", str(tmp_path / "gateway.json"),
         str(tmp_path / "jwks.json"), "--issuer", SHC_ISSUER, "--into",
         str(tmp_path / "body.json"), "--listed-at", LISTED.isoformat(),
         "--out", str(tmp_path / "merged.json")], capture_output=True, text=True, timeout=60)
    assert imported.returncode == 0, imported.stderr

    config = center_config(broker)
    code = publish_command.publish_trust(argparse.Namespace(
        tool_config=str(config), file=str(tmp_path / "merged.json"),
        key=str(tmp_path / "center.key")))
    assert code == 0, capsys.readouterr()
    envelope = retained(broker.port, "chot/v1/11/trust")
    doc = open_doc(envelope, "trust", keyring([center.public]))
    assert isinstance(doc, SignedDoc)
    assert set(issuer_keys(doc.body)) == {issuer.kid}  # today's readers still work
    foreign = certificate_trust(doc.body)
    assert {e.framework for e in foreign.entries} == {Framework.HCERT, Framework.SHC}
    assert all(e.listed_at == LISTED for e in foreign.entries)

    # The kiosk keeps the document as received and decides with what it vouches for.
    (tmp_path / "kept-trust.json").write_text(json.dumps(envelope))
    in_force = load_policy(PolicySection(center_keys=[str(tmp_path / "center.pub")],
                                         trust=[str(tmp_path / "kept-trust.json")])).current()
    assert set(in_force.trusted) == {issuer.kid}
    dcc = signer.code({1: vaccination()}, issued=NOW - timedelta(days=1),
                      expires=NOW + timedelta(days=30))
    shc = sign_shc(shc_claims(nbf=int((NOW - timedelta(days=1)).timestamp())), shc_key)
    for text in (dcc, shc):
        scan = read_code(text, in_force.trusted, NOW, certificates=in_force.certificates,
                         max_trust_age=in_force.policy.max_trust_age())
        assert scan.verification is Verification.VALID, scan.rejection


def test_a_trust_update_from_the_link_brings_the_signers_and_a_policy_update_keeps_them(
        tmp_path: Path):
    signer = make_signer(ec.generate_private_key(ec.SECP256R1()),
                         not_before=NOW - timedelta(days=90), not_after=NOW + timedelta(days=90))
    issuer = SigningKey.generate()
    source = FilePolicy(PolicyInForce(default_policy(), {}, None))
    issued = (NOW - timedelta(days=1)).isoformat()
    body = {"issuers": [{"name": "Cổng", "kid": issuer.kid.hex(),
                         "public_key": base64.b64encode(issuer.public.raw).decode()}],
            **export_trust([signer.entry])}
    source.apply(SignedDoc("trust", 4, issued, body, {}))
    in_force = source.current()
    assert set(in_force.trusted) == {issuer.kid}
    assert [e.kid for e in in_force.certificates.entries] == [signer.entry.kid]
    # No listed_at in the body: the list is as old as the document.
    assert in_force.certificates.as_of == NOW - timedelta(days=1)
    source.apply(SignedDoc("policy", 9, issued, {**DEFAULT_BODY, "fever_threshold_c": 38}, {}))
    assert source.current().policy.version == 9
    assert source.current().certificates == in_force.certificates
