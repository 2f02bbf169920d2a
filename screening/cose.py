"""COSE_Sign1 (RFC 9052) with EdDSA, over cbor2 and cryptography.

Written out here rather than taken from pycose: pycose 1.1 cannot decode messages with cbor2 6
(arrays come back as tuples), and Sign1 with one algorithm is a few lines of CBOR.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cbor2

from screening import cbor_strict
from screening.keys import SigningKey, VerifyKey

SIGN1_TAG = 18
ALG = 1
KID = 4
EDDSA = -8
# The message holds three byte strings and two small header maps; the payload stays bytes here.
MESSAGE_LIMITS = cbor_strict.Limits(max_depth=3, max_items=64, max_string=16384)
HEADER_LIMITS = cbor_strict.Limits(max_depth=2, max_items=32, max_string=256)


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
    """Parse a COSE_Sign1 message (tagged or not); raises CoseError when malformed.

    Decoding is strict (no tags but COSE_Sign1's own, bounded sizes): the message is read
    before its signature can be checked, so it must not cost more than reading it.
    """
    try:
        obj = cbor_strict.loads(data, MESSAGE_LIMITS, tags=(SIGN1_TAG,))
    except cbor_strict.CborError as exc:
        raise CoseError(f"not COSE CBOR: {exc}") from None
    if isinstance(obj, cbor_strict.Tagged):
        obj = obj.value
    protected, header, _unprotected, payload, signature = sign1_parts(obj, HEADER_LIMITS)
    kid, alg = header.get(KID, b""), header.get(ALG)
    if not isinstance(kid, bytes) or not isinstance(alg, int) or isinstance(alg, bool):
        raise CoseError("protected header lacks kid or alg")
    return Sign1(protected, kid, alg, payload, signature)


def sign1_parts(obj: Any, header_limits: cbor_strict.Limits,
                ) -> tuple[bytes, dict[Any, Any], dict[Any, Any], bytes, bytes]:
    """The parts of a decoded COSE_Sign1 array: protected bytes, protected header (decoded
    strictly), unprotected header, payload and signature; raises CoseError when malformed."""
    if not isinstance(obj, list) or len(obj) != 4:
        raise CoseError("COSE_Sign1 must be an array of 4")
    protected, unprotected, payload, signature = obj
    if not all(isinstance(x, bytes) for x in (protected, payload, signature)):
        raise CoseError("COSE_Sign1 fields have the wrong types")
    if not isinstance(unprotected, dict):
        raise CoseError("unprotected header is not a map")
    try:
        header = cbor_strict.loads(protected, header_limits) if protected else {}
    except cbor_strict.CborError as exc:
        raise CoseError(f"protected header: {exc}") from None
    if not isinstance(header, dict):
        raise CoseError("protected header is not a map")
    return protected, header, unprotected, payload, signature


def _to_be_signed(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload])
