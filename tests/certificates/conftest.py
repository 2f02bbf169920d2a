"""Throwaway signers for certificate tests: ES256 and PS256 DSCs and an SHC issuer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from screening.certificates import CertificateTrust, TrustEntry
from screening.certificates.issue import jwk_of
from screening.certificates.trust import jwk_entry
from tests.certificates.vectors import NOW, SHC_ISSUER, Signer, make_signer


@pytest.fixture(scope="session")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(65537, 2048)


@pytest.fixture(scope="session")
def es256(ec_key) -> Signer:
    return make_signer(ec_key)


@pytest.fixture(scope="session")
def ps256(rsa_key) -> Signer:
    return make_signer(rsa_key)


@pytest.fixture(scope="session")
def shc_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="session")
def shc_entry(shc_key) -> TrustEntry:
    entry = jwk_entry(jwk_of(shc_key.public_key()), SHC_ISSUER, NOW - timedelta(hours=1))
    assert entry is not None
    return entry


@pytest.fixture(scope="session")
def trust(es256, ps256, shc_entry) -> CertificateTrust:
    return CertificateTrust((es256.entry, ps256.entry, shc_entry), as_of=NOW - timedelta(hours=1))
