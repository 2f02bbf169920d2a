"""Every reason code is reachable, has its own Vietnamese and English message, and stays apart."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import base45
import cbor2
from cryptography.hazmat.primitives.asymmetric import ec

from screening.certificates import (
    CertificateRejected,
    CertificateTrust,
    CertReason,
    CertType,
    Framework,
    read_certificate,
)
from screening.certificates.issue import sign_shc
from screening.certificates.reasons import MESSAGES, describe
from screening.certificates.revocation import HashType, Revocations, truncated_sha256
from tests.certificates.vectors import NOW, make_signer, shc_claims, vaccination

REVOKED_UCI = "URN:UVCI:01:VN:REVOKED#7"


def hc1(raw: bytes) -> str:
    return "HC1:" + base45.b45encode(zlib.compress(raw)).decode()


def cases(es256: Any, test_only: Any, ended: Any, future: Any,
          shc_key: Any) -> dict[CertReason, Callable[[], str]]:
    stranger = ec.generate_private_key(ec.SECP256R1())
    bad = vaccination()
    bad["dob"] = 1990
    return {
        CertReason.TOO_LARGE: lambda: "HC1:" + "0" * 9000,
        CertReason.UNSUPPORTED_CODE: lambda: "https://example.org",
        CertReason.BAD_BASE45: lambda: "HC1:####",
        CertReason.BAD_SHC_DIGITS: lambda: "shc:/5",
        CertReason.SHC_CHUNKED: lambda: "shc:/1/2/56",
        CertReason.BAD_COMPRESSION: lambda: "HC1:" + base45.b45encode(b"raw").decode(),
        CertReason.BAD_COSE: lambda: hc1(b"\x18"),
        CertReason.BAD_JWS: lambda: "shc:/5656",
        CertReason.UNSUPPORTED_ALGORITHM: lambda: hc1(cbor2.dumps(cbor2.CBORTag(
            18, [cbor2.dumps({1: -8, 4: b"k"}), {}, b"", b""]))),
        CertReason.UNKNOWN_KEY: lambda: sign_shc(shc_claims(), stranger),
        CertReason.TRUST_STALE: lambda: es256.code({1: vaccination()}),  # with a max age
        CertReason.BAD_SIGNATURE: lambda: make_signer(stranger).code(
            {1: vaccination()}, kid=es256.kid),
        CertReason.ISSUER_MISMATCH: lambda: sign_shc(shc_claims(iss="https://x.example"),
                                                     shc_key),
        CertReason.SIGNER_NOT_YET_VALID: lambda: future.code({1: vaccination()}),
        CertReason.SIGNER_EXPIRED: lambda: ended.code({1: vaccination()}),
        CertReason.KEY_USAGE_MISMATCH: lambda: test_only.code({1: vaccination()}),
        CertReason.SCHEMA_INVALID: lambda: es256.code({1: bad}),
        CertReason.NOT_YET_VALID: lambda: es256.code({1: vaccination()},
                                                     issued=NOW + timedelta(days=1)),
        CertReason.EXPIRED: lambda: es256.code({1: vaccination()},
                                               expires=NOW - timedelta(days=1)),
        CertReason.REVOKED: lambda: es256.code({1: vaccination(ci=REVOKED_UCI)}),
        CertReason.NO_TRUST_LIST: lambda: es256.code({1: vaccination()}),  # with no list
    }


def test_every_reason_code_has_a_case_that_gives_it(es256, ec_key, shc_key, shc_entry):
    signers = [es256, make_signer(ec_key, types=[CertType.TEST]),
               make_signer(ec_key, not_after=NOW - timedelta(days=30)),
               make_signer(ec_key, not_before=NOW - timedelta(hours=1))]
    revoked = Revocations(dcc={es256.entry.kid: {HashType.UCI: {
        truncated_sha256(REVOKED_UCI.encode()): None}}}, fetched_at={Framework.HCERT: NOW})
    trust = CertificateTrust(tuple(s.entry for s in signers) + (shc_entry,), as_of=NOW,
                             revocation=revoked)
    table = cases(*signers, shc_key)
    assert set(table) == set(CertReason)
    for reason, build in table.items():
        max_age = timedelta(minutes=1) if reason is CertReason.TRUST_STALE else None
        held = CertificateTrust() if reason is CertReason.NO_TRUST_LIST else trust
        result = read_certificate(build(), held, NOW, max_trust_age=max_age)
        assert isinstance(result, CertificateRejected), (reason, result)
        assert result.reason is reason, (reason, result)


def test_every_reason_speaks_both_languages_and_no_two_read_alike():
    assert set(MESSAGES) == set(CertReason)
    for reason in CertReason:
        described = describe(reason)
        assert described["code"] == reason.value and described["vi"] and described["en"]
    assert len({vi for vi, _ in MESSAGES.values()}) == len(MESSAGES)
    assert len({en for _, en in MESSAGES.values()}) == len(MESSAGES)
