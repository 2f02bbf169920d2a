"""Trust and revocation lists at a border post: one bad signer never blocks the rest,
malformed files get a clean bilingual answer, revoked certificates are refused offline."""

from __future__ import annotations

import base64
import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtensionOID, NameOID

from center.publish import PublishProblem, trust_document
from screening.certificates.issue import jwk_of, sign_shc
from screening.certificates.revocation import truncated_sha256
from screening.certificates.revocation_filters import Mode
from tests.center.test_asyncapi import validator
from tests.certificates.vectors import SHC_ISSUER, make_signer, shc_claims, vaccination
from tests.cli import test_verify_certificates_cli as border
from tests.cli.test_verify_certificates_cli import NOW, chot, recent, signed_trust, verdict

post = border.post  # the border post's files and codes (a module-scoped fixture)


def empty_key_usage_dsc() -> bytes:
    """A DSC whose extended key usage extension is present but empty (malformed DER)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Empty EKU")])
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
               .public_key(key.public_key()).serial_number(7)
               .not_valid_before(NOW - timedelta(days=9)).not_valid_after(NOW + timedelta(days=9))
               .add_extension(x509.UnrecognizedExtension(ExtensionOID.EXTENDED_KEY_USAGE,
                                                         b"\x30\x00"), critical=False))
    return builder.sign(key, hashes.SHA256()).public_bytes(Encoding.DER)


def item(der: bytes, kid: str = "AAAAAAAAAAA=") -> dict:
    return {"kid": kid, "country": "XX", "certificateType": "DSC",
            "rawData": base64.b64encode(der).decode()}


def test_one_bad_signer_is_skipped_and_named_and_the_rest_verify(post: dict, tmp_path: Path):
    good = json.loads((post["dir"] / "gateway.json").read_text())
    listing = [item(b"\x30\x03\x02\x01\x01", "bWFsZm9ybWQ="), item(empty_key_usage_dsc()),
               *good]
    (tmp_path / "gateway.json").write_text(json.dumps(listing))
    proc = chot("verify", post["test"], "--trust", str(tmp_path / "gateway.json"), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.splitlines()[-1])["verification"] == "valid"
    assert proc.stderr.count("Bỏ qua / skipped") == 2 and "item[0]" in proc.stderr
    trust = signed_trust(tmp_path, tmp_path / "gateway.json")
    assert verdict(post["test"], *trust)["verification"] == "valid"


@pytest.mark.parametrize("content", [
    json.dumps({"keys": ["x"]}), json.dumps({"shc": [{"jwk": "s"}]}),
    "[" * 5000 + "]" * 5000, json.dumps({"hcert": "x", "shc": [{"iss": 3}]}), "folder"],
    ids=["keys-x", "jwk-string", "deep", "hcert-string", "folder"])
def test_malformed_trust_files_get_a_clean_bilingual_error(post: dict, tmp_path: Path,
                                                           content: str):
    path = tmp_path / "bad.json"
    if content == "folder":
        path.mkdir()
    else:
        path.write_text(content)
    proc = chot("verify", post["dcc"], "--trust", str(path), "--json")
    assert proc.returncode == 2 and " / " in proc.stderr
    proc = chot("trust", "import", str(path), "--out", str(tmp_path / "out.json"))
    assert proc.returncode == 2
    answer = json.loads(proc.stdout.splitlines()[-1])
    assert answer["reason"] in {"trust_invalid", "file_invalid"} and " / " in answer["error"]
    if content != "folder":
        data = json.loads(content) if len(content) < 1000 else {}
        try:
            trust_document({"issuers": [], **data} if isinstance(data, dict) else data, tmp_path)
        except PublishProblem as exc:
            assert exc.reason == "trust_invalid"


def test_signers_sharing_one_kid_are_capped(post: dict, tmp_path: Path):
    key = ec.generate_private_key(ec.SECP256R1())
    signers = [make_signer(key) for _ in range(40)]
    (tmp_path / "crowd.json").write_text(json.dumps([item(s.der) for s in signers]))
    junk = post["es256"].code({1: vaccination()}, kid=base64.b64decode("AAAAAAAAAAA="))
    started = time.perf_counter()
    proc = chot("verify", junk, "--trust", str(tmp_path / "crowd.json"), "--json")
    assert proc.returncode == 0 and time.perf_counter() - started < 30
    assert "more than 8 signers share kid" in proc.stderr
    assert json.loads(proc.stdout.splitlines()[-1])["reasons"] == ["bad_signature"]


def test_revocation_lists_imported_signed_and_applied_offline(post: dict, tmp_path: Path):
    folder = post["dir"]
    uci = "URN:UVCI:01:VN:REVOKED#1"
    revoked_dcc, kept_dcc = recent(post["es256"], vaccination(ci=uci)), post["dcc"]
    batch = {"country": "VN", "kid": post["es256"].entry.kid, "hashType": "COUNTRYCODEUCI",
             "expires": (NOW + timedelta(days=300)).isoformat(),
             "entries": [{"hash": base64.b64encode(truncated_sha256(f"VN{uci}".encode()))
                          .decode()}]}
    (tmp_path / "batch.json").write_text(json.dumps({"batches": [batch]}))
    shc_key = ec.generate_private_key(ec.SECP256R1())
    jwk = {**jwk_of(shc_key.public_key()), "crlVersion": 2}
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [jwk]}))
    claims = shc_claims(nbf=int((NOW - timedelta(days=1)).timestamp()))
    card = sign_shc({**claims, "vc": {**claims["vc"], "rid": "cmV2b2tlZA"}}, shc_key)
    (tmp_path / "crl.json").write_text(json.dumps(
        {"kid": jwk["kid"], "method": "rid", "ctr": "2", "rids": ["cmV2b2tlZA"]}))
    trust = signed_trust(tmp_path, folder / "dsc.pem", tmp_path / "jwks.json",
                         tmp_path / "batch.json", tmp_path / "crl.json",
                         extra=("--issuer", SHC_ISSUER))
    for code in (revoked_dcc, card):
        out = verdict(code, *trust)
        assert out["reasons"] == ["revoked"] and out["identity"] is None
        assert out["messages"][0] == {"code": "revoked", "vi": "Chứng nhận đã bị thu hồi",
                                      "en": "Certificate revoked"}
    assert verdict(kept_dcc, *trust)["verification"] == "valid"
    envelope = json.loads(Path(trust[1]).read_text())
    assert envelope["body"]["revocation"]["fetched_at"].keys() == {"hcert", "shc"}
    validator("signed-document.json").validate(envelope)  # the trust channel's contract
    summary = chot("trust", "import", str(tmp_path / "batch.json"), str(folder / "dsc.pem"),
                   "--out", str(tmp_path / "x.json"))
    assert json.loads(summary.stdout.splitlines()[-1])["revoked"] == {"dcc": 1, "shc": 0}


def test_a_file_that_is_no_image_is_image_unreadable(tmp_path: Path):
    fake = tmp_path / "photo.png"
    fake.write_bytes(b"not a picture at all")
    out = verdict("--image", str(fake))
    assert out["reasons"] == ["image_unreadable"]
    assert out["messages"][0]["vi"].startswith("Không đọc được ảnh")


@pytest.mark.parametrize(("code", "seen"), [
    ("B64:UEsDBBQAAAAIAOaJ", "DIVOC"), ("PK\x03\x04junk", "DIVOC"),
    ('{"data":{"hdr":{"t":"icao.vacc","v":1,"is":"UTO"}},"sig":{}}', "ICAO VDS-NC")])
def test_divoc_and_icao_codes_are_named_though_not_read(code: str, seen: str):
    out = verdict(code)
    assert out["reasons"] == ["unsupported_code"] and out["detail"] == f"{seen} (not read)"


def test_eu_distribution_slices_imported_signed_and_applied(post: dict, tmp_path: Path):
    import io
    import tarfile

    from screening.certificates.revocation_filters import position, write_bloom

    uci = "URN:UVCI:01:VN:SLICED#2"
    kid = post["es256"].entry.kid
    digest = truncated_sha256(uci.encode())
    partition, chunk = position(digest, Mode.VECTOR)
    (tmp_path / "lists.json").write_text(json.dumps([
        {"kid": kid, "mode": "VECTOR", "hashTypes": ["UCI"], "lastUpdated": NOW.isoformat(),
         "expires": (NOW + timedelta(days=300)).isoformat()}]))
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w:gz") as tar:
        data = write_bloom([digest])
        url = base64.urlsafe_b64encode(base64.b64decode(kid)).decode().rstrip("=")
        info = tarfile.TarInfo(f"{url}/{partition}/{chunk}/slice-1")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    (tmp_path / "slices.tar.gz").write_bytes(archive.getvalue())
    trust = signed_trust(tmp_path, post["dir"] / "dsc.pem", tmp_path / "lists.json",
                         tmp_path / "slices.tar.gz")
    assert verdict(recent(post["es256"], vaccination(ci=uci)), *trust)["reasons"] == ["revoked"]
    assert verdict(post["dcc"], *trust)["verification"] == "valid"
    validator("signed-document.json").validate(json.loads(Path(trust[1]).read_text()))
    alone = chot("trust", "import", str(tmp_path / "slices.tar.gz"), "--out",
                 str(tmp_path / "x.json"))
    assert alone.returncode == 2
    assert json.loads(alone.stdout.splitlines()[-1])["reason"] == "revocation_invalid"
