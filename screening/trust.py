"""The trust list: declaration issuers' public keys, published and signed by the center."""

from __future__ import annotations

import base64
from typing import Any

from screening.keys import BadKey, VerifyKey, keyring

TRUST_KIND = "trust"


def trust_body(issuers: list[tuple[str, VerifyKey]]) -> dict[str, Any]:
    """A trust-list body from (issuer name, public key) pairs."""
    return {"issuers": [{"name": name, "kid": key.kid.hex(),
                         "public_key": base64.b64encode(key.raw).decode()}
                        for name, key in issuers]}


def issuer_keys(body: dict[str, Any]) -> dict[bytes, VerifyKey]:
    """Issuer keys by key id from a verified trust-list body; raises ValueError when malformed."""
    issuers = body.get("issuers")
    if not isinstance(issuers, list):
        raise ValueError("trust list needs an 'issuers' array")
    keys = []
    for entry in issuers:
        try:
            key = VerifyKey.from_raw(base64.b64decode(entry["public_key"], validate=True))
        except (KeyError, TypeError, ValueError, BadKey) as exc:
            raise ValueError(f"bad issuer entry: {exc}") from None
        if entry.get("kid") != key.kid.hex():
            raise ValueError(f"issuer {entry.get('name')!r}: kid does not match its key")
        keys.append(key)
    return keyring(keys)
