"""Shared fixtures for the screening core: keys, a fixed clock, the default policy."""

from __future__ import annotations

import pytest

from screening.default_policy import default_policy
from screening.keys import SigningKey, keyring


@pytest.fixture(scope="session")
def issuer() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture(scope="session")
def trusted(issuer: SigningKey):
    return keyring([issuer.public])


@pytest.fixture(scope="session")
def policy():
    return default_policy()
