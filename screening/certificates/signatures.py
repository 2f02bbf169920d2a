"""ES256 and PS256 signature checks as COSE and JWS define them, over `cryptography` keys."""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

PublicKey = ec.EllipticCurvePublicKey | rsa.RSAPublicKey

ES256 = "ES256"
PS256 = "PS256"
COSE_ALGORITHMS = {-7: ES256, -37: PS256}
PSS_SALT_BYTES = 32  # RFC 8230: the salt is as long as the SHA-256 digest


def verify(algorithm: str, key: PublicKey, signature: bytes, data: bytes) -> bool:
    """True when `signature` over `data` is valid for `key` under `algorithm`."""
    try:
        if algorithm == ES256 and isinstance(key, ec.EllipticCurvePublicKey):
            if not isinstance(key.curve, ec.SECP256R1) or len(signature) != 64:
                return False
            # COSE and JWS carry r || s; cryptography wants the DER sequence
            der = encode_dss_signature(int.from_bytes(signature[:32], "big"),
                                       int.from_bytes(signature[32:], "big"))
            key.verify(der, data, ec.ECDSA(hashes.SHA256()))
            return True
        if algorithm == PS256 and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data,
                       padding.PSS(padding.MGF1(hashes.SHA256()), PSS_SALT_BYTES),
                       hashes.SHA256())
            return True
    except (InvalidSignature, ValueError):
        return False
    return False  # the algorithm does not fit the key's type


def fits(algorithm: str, key: PublicKey) -> bool:
    """True when the key's type can carry `algorithm` (an EC key for ES256, RSA for PS256)."""
    return (algorithm == ES256 and isinstance(key, ec.EllipticCurvePublicKey)) or (
        algorithm == PS256 and isinstance(key, rsa.RSAPublicKey))
