"""COSE_Sign1 (RFC 9052) with EdDSA, over cbor2 and cryptography.

Written out here rather than taken from pycose: pycose 1.1 cannot decode messages with cbor2 6
(arrays come back as tuples), and Sign1 with one algorithm is a few lines of CBOR.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import cbor2

from screening.keys import SigningKey, VerifyKey

SIGN1_TAG = 18
ALG = 1
KID = 4
EDDSA = -8


class CoseError(ValueError):
    """Bytes that are not a well-formed COSE_Sign1 message."""


@dataclass(frozen=True)
class Sign1:
    """A decoded COSE_Sign1 message, not yet verified."""

    protected: bytes
    kid: bytes
    alg: int
    payload: bytes
    signature: bytes

    def verify(self, key: VerifyKey) -> bool:
        """True when the signature is valid under key."""
        return key.verify(self.signature, _to_be_signed(self.protected, self.payload))


def sign(payload: bytes, key: SigningKey) -> bytes:
    """A tagged COSE_Sign1 message carrying payload, signed with key."""
    protected = cbor2.dumps({ALG: EDDSA, KID: key.kid})
    signature = key.sign(_to_be_signed(protected, payload))
    return cbor2.dumps(cbor2.CBORTag(SIGN1_TAG, [protected, {}, payload, signature]))


def decode(data: bytes) -> Sign1:
    """Parse a COSE_Sign1 message (tagged or not); raises CoseError when malformed."""
    try:
        obj = cbor2.loads(data)
    except Exception as exc:  # cbor2 raises several types on garbage
        raise CoseError(f"not CBOR: {type(exc).__name__}") from None
    if isinstance(obj, cbor2.CBORTag):
        if obj.tag != SIGN1_TAG:
            raise CoseError(f"CBOR tag {obj.tag} is not COSE_Sign1")
        obj = obj.value
    if not isinstance(obj, list | tuple) or len(obj) != 4:
        raise CoseError("COSE_Sign1 must be an array of 4")
    protected, unprotected, payload, signature = obj
    if not all(isinstance(x, bytes) for x in (protected, payload, signature)):
        raise CoseError("COSE_Sign1 fields have the wrong types")
    if not isinstance(unprotected, Mapping):
        raise CoseError("unprotected header is not a map")
    try:
        header = cbor2.loads(protected) if protected else {}
    except Exception as exc:
        raise CoseError(f"protected header is not CBOR: {type(exc).__name__}") from None
    if not isinstance(header, Mapping):
        raise CoseError("protected header is not a map")
    kid, alg = header.get(KID, b""), header.get(ALG)
    if not isinstance(kid, bytes) or not isinstance(alg, int):
        raise CoseError("protected header lacks kid or alg")
    return Sign1(protected, kid, alg, payload, signature)


def _to_be_signed(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload])
