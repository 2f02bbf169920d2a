"""Ed25519 signing keys as PEM bytes, and their short key ids. Bytes in, bytes out: no files."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KID_BYTES = 8


class BadKey(ValueError):
    """A key file that is not an Ed25519 key in PEM form."""


@dataclass(frozen=True)
class SigningKey:
    """A private signing key with its key id."""

    private: Ed25519PrivateKey

    @property
    def public(self) -> VerifyKey:
        """The matching public key."""
        return VerifyKey(self.private.public_key())

    @property
    def kid(self) -> bytes:
        """Key id: the first 8 bytes of SHA-256 over the raw public key."""
        return self.public.kid

    def sign(self, data: bytes) -> bytes:
        """Ed25519 signature over data."""
        return self.private.sign(data)

    def to_pem(self) -> bytes:
        """PKCS#8 PEM of the private key."""
        return self.private.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption())

    @classmethod
    def generate(cls) -> SigningKey:
        """A fresh random key."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_pem(cls, pem: bytes) -> SigningKey:
        """Load a PKCS#8 PEM private key; raises BadKey for anything else."""
        try:
            key = serialization.load_pem_private_key(pem, password=None)
        except (ValueError, TypeError) as exc:
            raise BadKey(f"not a PEM private key: {exc}") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise BadKey("private key is not Ed25519")
        return cls(key)


@dataclass(frozen=True)
class VerifyKey:
    """A public key that verifies signatures."""

    public: Ed25519PublicKey

    @property
    def raw(self) -> bytes:
        """The 32 raw public key bytes."""
        return self.public.public_bytes(serialization.Encoding.Raw,
                                        serialization.PublicFormat.Raw)

    @property
    def kid(self) -> bytes:
        """Key id: the first 8 bytes of SHA-256 over the raw public key."""
        return hashlib.sha256(self.raw).digest()[:KID_BYTES]

    def verify(self, signature: bytes, data: bytes) -> bool:
        """True when signature is valid for data."""
        from cryptography.exceptions import InvalidSignature

        try:
            self.public.verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def to_pem(self) -> bytes:
        """SubjectPublicKeyInfo PEM."""
        return self.public.public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)

    @classmethod
    def from_pem(cls, pem: bytes) -> VerifyKey:
        """Load a PEM public key; raises BadKey for anything else."""
        try:
            key = serialization.load_pem_public_key(pem)
        except (ValueError, TypeError) as exc:
            raise BadKey(f"not a PEM public key: {exc}") from None
        if not isinstance(key, Ed25519PublicKey):
            raise BadKey("public key is not Ed25519")
        return cls(key)

    @classmethod
    def from_raw(cls, raw: bytes) -> VerifyKey:
        """Load 32 raw public key bytes."""
        try:
            return cls(Ed25519PublicKey.from_public_bytes(raw))
        except ValueError as exc:
            raise BadKey(f"not a raw Ed25519 public key: {exc}") from None


def keyring(keys: list[VerifyKey]) -> dict[bytes, VerifyKey]:
    """Index public keys by key id."""
    return {key.kid: key for key in keys}
