"""`chot verify` at a border post: foreign certificates against every trust file format."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import base45
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import load_der_x509_certificate

from center.publish import sign_document, trust_document
from screening.certificates.issue import jwk_of, sign_shc
from screening.keys import SigningKey
from tests.certificates.vectors import (
    SHC_ISSUER,
    Signer,
    make_signer,
    negative_test,
    shc_claims,
    vaccination,
)

NOW = datetime.now(UTC).replace(microsecond=0)


def chot(*args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "chot", *args], capture_output=True,
                          text=True, timeout=60, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def verdict(*args: str) -> dict:
    proc = chot("verify", *args, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def recent(signer: Signer, payload: dict) -> str:
    return signer.code({1: payload}, issued=NOW - timedelta(days=1),
                       expires=NOW + timedelta(days=300))


@pytest.fixture(scope="module")
def post(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A border post's files: DSCs in every format, a JWKS and the codes they vouch for."""
    folder = tmp_path_factory.mktemp("border")
    window = {"not_before": NOW - timedelta(days=200), "not_after": NOW + timedelta(days=200)}
    es256 = make_signer(ec.generate_private_key(ec.SECP256R1()), **window)
    ps256 = make_signer(rsa.generate_private_key(65537, 2048), **window)
    shc_key = ec.generate_private_key(ec.SECP256R1())
    pem = load_der_x509_certificate(es256.der).public_bytes(Encoding.PEM)
    (folder / "dsc.pem").write_bytes(pem)
    (folder / "dsc.der").write_bytes(es256.der)
    (folder / "dsc.b64").write_text(base64.b64encode(es256.der).decode() + "\n")
    gateway = [{"kid": base64.b64encode(ps256.kid).decode(), "country": "DE",
                "certificateType": "DSC", "rawData": base64.b64encode(ps256.der).decode()}]
    (folder / "gateway.json").write_text(json.dumps(gateway))
    (folder / "jwks.json").write_text(json.dumps({"keys": [jwk_of(shc_key.public_key())]}))
    test = negative_test()
    test["t"][0]["sc"] = (NOW - timedelta(hours=10)).isoformat().replace("+00:00", "Z")
    shc = sign_shc(shc_claims(nbf=int((NOW - timedelta(days=1)).timestamp())), shc_key)
    return {"dir": folder, "es256": es256, "ps256": ps256, "shc": shc,
            "dcc": recent(es256, vaccination()), "test": recent(ps256, test)}


@pytest.mark.parametrize("trust_file", ["dsc.pem", "dsc.der", "dsc.b64"])
def test_a_dcc_verifies_against_its_dsc_in_any_encoding(post: dict, trust_file: str):
    out = verdict(post["dcc"], "--trust", str(post["dir"] / trust_file))
    assert (out["kind"], out["verification"], out["format"]) == ("certificate", "valid", "eu-dcc")
    assert out["identity"] == {"name": "Nguyễn, Thị Ánh", "date_of_birth": "1990-04-02"}
    cert = out["certificate"]
    assert (cert["type"], cert["doses"], cert["date"], cert["issuer_country"]) == (
        "vaccination", 2, "2021-09-01", "VN")
    assert cert["expires_at"] and out["outcome"] == "incomplete"


def test_a_ps256_test_certificate_verifies_against_a_gateway_list(post: dict):
    out = verdict(post["test"], "--trust", str(post["dir"] / "gateway.json"),
                  "--origin", "DE", "--dest", "11/03151")
    assert out["format"] == "eu-dcc" and out["certificate"]["test_result"] == "negative"
    assert out["outcome"] == "home_quarantine" and out["reasons"] == ["foreign_origin"]


def test_a_smart_health_card_verifies_against_a_jwks_named_for_its_issuer(post: dict):
    out = verdict(post["shc"], "--trust", str(post["dir"] / "jwks.json"),
                  "--trust-issuer", SHC_ISSUER)
    assert out["format"] == "shc" and out["verification"] == "valid"
    assert out["certificate"]["type"] == "vaccination" and out["identity"]["name"]


def test_each_failure_has_its_own_reason_in_both_languages(post: dict):
    dsc = str(post["dir"] / "dsc.pem")
    unknown = verdict(post["test"], "--trust", dsc)
    assert unknown["outcome"] == "rejected" and unknown["reasons"] == ["unknown_key"]
    assert unknown["messages"][0]["en"] == "Issuer key not in the trust list"
    raw = zlib.decompress(base45.b45decode(post["dcc"][4:]))
    altered = raw.replace(b"2021-09-01", b"2021-09-02")  # a dose date changed after signing
    forged = "HC1:" + base45.b45encode(zlib.compress(altered)).decode()
    assert verdict(forged, "--trust", dsc)["reasons"] == ["bad_signature"]
    short = post["es256"].code({1: vaccination()}, issued=NOW - timedelta(days=1),
                               expires=NOW + timedelta(days=1))
    late = verdict(short, "--trust", dsc, "--at", (NOW + timedelta(days=2)).isoformat())
    assert late["reasons"] == ["expired"]
    assert late["messages"][0] == {"code": "expired", "vi": "Chứng nhận đã hết hạn",
                                   "en": "Certificate expired"}
    assert late["identity"] is None and late["certificate"] is None


def signed_trust(folder: Path, *files: Path, fetched_at: datetime | None = None,
                 extra: tuple[str, ...] = ()) -> list[str]:
    """`chot trust import` FILES, signed by a throwaway center: the --trust arguments."""
    merged = folder / "merged.json"
    when = ("--fetched-at", fetched_at.isoformat()) if fetched_at else ()
    proc = chot("trust", "import", *map(str, files), *when, *extra, "--out", str(merged))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    center = SigningKey.generate()
    (folder / "center.pub").write_bytes(center.public.to_pem())
    body = trust_document(json.loads(merged.read_text()) | {"issuers": [_issuer_entry()]},
                          folder)
    signed = folder / "trust-signed.json"
    signed.write_text(json.dumps(sign_document("trust", body, 3, center, NOW)))
    return ["--trust", str(signed), "--center-pub", str(folder / "center.pub")]


def _issuer_entry() -> dict:
    key = SigningKey.generate().public
    return {"name": "Cổng khai báo", "kid": key.kid.hex(),
            "public_key": base64.b64encode(key.raw).decode()}


def test_trust_age_is_the_recorded_fetch_time_not_the_file_time(post: dict, tmp_path: Path):
    copied = tmp_path / "copied.pem"  # copied with its original date: still the operator's pin
    copied.write_bytes((post["dir"] / "dsc.pem").read_bytes())
    month_ago = time.time() - 30 * 86400
    os.utime(copied, (month_ago, month_ago))
    assert verdict(post["dcc"], "--trust", str(copied))["verification"] == "valid"
    jwks = tmp_path / "jwks.json"
    jwks.write_bytes((post["dir"] / "jwks.json").read_bytes())
    os.utime(jwks, (month_ago, month_ago))
    fresh = signed_trust(tmp_path, jwks, extra=("--issuer", SHC_ISSUER))
    assert verdict(post["shc"], *fresh)["verification"] == "valid"
    stale = signed_trust(tmp_path, jwks, fetched_at=NOW - timedelta(days=30),
                         extra=("--issuer", SHC_ISSUER))
    out = verdict(post["shc"], *stale)
    assert out["reasons"] == ["trust_stale"]
    assert out["messages"][0]["vi"] == "Danh sách tin cậy đã quá cũ: cần cập nhật"


def test_no_trust_list_at_all_says_so(post: dict):
    out = verdict(post["dcc"])
    assert out["reasons"] == ["no_trust_list"]
    assert out["messages"][0]["en"].startswith("No trust list")


def test_imported_lists_signed_by_the_center_vouch_for_dcc_and_shc(post: dict, tmp_path: Path):
    folder = post["dir"]
    issuer = SigningKey.generate()
    (tmp_path / "issuer.pub").write_bytes(issuer.public.to_pem())
    (tmp_path / "body.json").write_text(json.dumps(
        {"issuers": [{"name": "Cổng khai báo", "public_key_file": "issuer.pub"}]}))
    merged = tmp_path / "merged.json"
    proc = chot("trust", "import", str(folder / "dsc.pem"), str(folder / "gateway.json"),
                str(folder / "jwks.json"), "--issuer", SHC_ISSUER,
                "--into", str(tmp_path / "body.json"), "--out", str(merged))
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert (summary["issuers"], summary["hcert"], summary["shc"]) == (1, 2, 1)
    center = SigningKey.generate()
    (tmp_path / "center.pub").write_bytes(center.public.to_pem())
    body = trust_document(json.loads(merged.read_text()), tmp_path)
    signed = tmp_path / "trust-signed.json"
    signed.write_text(json.dumps(sign_document("trust", body, 3, center, NOW)))
    trust = ["--trust", str(signed), "--center-pub", str(tmp_path / "center.pub")]
    assert verdict(post["dcc"], *trust)["verification"] == "valid"
    assert verdict(post["test"], *trust)["verification"] == "valid"
    assert verdict(post["shc"], *trust)["verification"] == "valid"
    forged = json.loads(signed.read_text())
    forged["body"]["hcert"] = forged["body"]["hcert"][:1]
    signed.write_text(json.dumps(forged))
    assert chot("verify", post["dcc"], *trust, "--json").returncode == 2


def test_our_own_declarations_still_say_their_format(post: dict):
    out = verdict("001085006789|123456789|Lò Văn Thắng|15041985|Nam|Điện Biên|01012021")
    assert out["format"] == "cccd" and out["certificate"] is None


def test_a_dcc_is_read_from_a_photo_of_its_qr_code(post: dict, tmp_path: Path):
    import segno

    image = tmp_path / "dcc.png"
    segno.make_qr(post["dcc"], error="q").save(str(image), scale=6, border=4)
    out = verdict("--image", str(image), "--trust", str(post["dir"] / "dsc.der"))
    assert out["format"] == "eu-dcc" and out["verification"] == "valid"
