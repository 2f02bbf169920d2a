"""Staff import the trust data each ecosystem publishes; the kiosk keeps what it can use."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from screening.certificates import (
    CertificateTrust,
    CertificateVerified,
    CertType,
    Framework,
    TrustImportError,
    export_trust,
    import_trust,
    read_certificate,
)
from screening.certificates.issue import jwk_of, sign_shc
from tests.certificates.vectors import NOW, SHC_ISSUER, make_signer, shc_claims, vaccination

VN_DSC = Path(__file__).parents[3] / "shared" / "trust" / "vn-moh-dcc-dsc.pem"


@pytest.mark.skipif(not VN_DSC.exists(), reason="shared trust folder not beside the repo")
def test_the_vietnamese_ministry_dsc_imports_with_its_published_kid():
    (entry,) = import_trust(VN_DSC.read_bytes(), VN_DSC.name)
    assert entry.kid == "ZtJVElOdWm0="
    assert entry.country == "VN"
    assert entry.allowed_types is None  # no DCC usages: it may sign every type
    assert entry.not_after is not None and entry.not_after.year == 2026


def test_pem_der_and_base64_line_give_the_same_entry(es256):
    pem = (b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(es256.der)
           + b"-----END CERTIFICATE-----\n")
    kids = {import_trust(data, name)[0].kid for data, name in (
        (pem, "dsc.pem"), (es256.der, "dsc.der"), (base64.b64encode(es256.der) + b"\n", "dsc.txt"))}
    assert kids == {es256.entry.kid}


def test_a_gateway_list_keeps_dscs_and_their_key_usages(ec_key, es256):
    limited = make_signer(ec_key, types=[CertType.TEST])
    listing = [
        {"kid": es256.entry.kid, "country": "VN", "certificateType": "DSC",
         "rawData": base64.b64encode(es256.der).decode()},
        {"kid": limited.entry.kid, "country": "DE", "certificateType": "DSC",
         "rawData": base64.b64encode(limited.der).decode()},
        {"kid": "AAAAAAAAAAA=", "country": "DE", "certificateType": "CSCA",
         "rawData": base64.b64encode(es256.der).decode()},
    ]
    entries = import_trust(json.dumps(listing).encode(), "gateway.json")
    assert [(e.kid, e.country) for e in entries] == [(es256.entry.kid, "VN"),
                                                     (limited.entry.kid, "DE")]
    assert entries[1].allowed_types == frozenset({CertType.TEST})


def test_jwks_and_vci_directory_carry_the_issuer(shc_key):
    jwk = jwk_of(shc_key.public_key())
    rsa_jwk = {"kty": "RSA", "n": "AQAB", "e": "AQAB", "kid": "rsa"}  # not an SHC key: skipped
    (entry,) = import_trust(json.dumps({"keys": [jwk, rsa_jwk]}).encode(), "jwks.json",
                            issuer=SHC_ISSUER)
    assert (entry.framework, entry.issuer, entry.kid) == (Framework.SHC, SHC_ISSUER, jwk["kid"])
    directory = {"participating_issuers": [{"issuer": {"iss": SHC_ISSUER, "name": "Example"},
                                            "keys": [jwk]}]}
    (listed,) = import_trust(json.dumps(directory).encode(), "vci-issuers.json")
    assert listed.issuer == SHC_ISSUER


def test_an_export_reads_back_and_still_verifies(es256, shc_key):
    shc = import_trust(json.dumps({"keys": [jwk_of(shc_key.public_key())]}).encode(), "j.json",
                       issuer=SHC_ISSUER)
    exported = json.dumps(export_trust([es256.entry, *shc])).encode()
    trust = CertificateTrust(tuple(import_trust(exported, "trust.json")), as_of=NOW)
    assert isinstance(read_certificate(es256.code({1: vaccination()}), trust, NOW),
                      CertificateVerified)
    assert isinstance(read_certificate(sign_shc(shc_claims(), shc_key), trust, NOW),
                      CertificateVerified)


@pytest.mark.parametrize("data", [
    b"", b"hello world", b"[1, 2]", b'{"something": 1}', b"-----BEGIN CERTIFICATE-----\nxx",
    b"\x30\x03\x02\x01\x00", b'{"keys": [{"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}]}',
])
def test_unreadable_trust_data_names_the_file(data):
    with pytest.raises(TrustImportError, match="bad.json"):
        import_trust(data, "bad.json")


def test_a_jwk_whose_kid_is_not_its_thumbprint_is_refused():
    key = ec.generate_private_key(ec.SECP256R1())
    jwk = {**jwk_of(key.public_key()), "kid": "made-up"}
    with pytest.raises(TrustImportError, match="thumbprint"):
        import_trust(json.dumps({"keys": [jwk]}).encode(), "jwks.json")
