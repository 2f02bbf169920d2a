"""Signed JSON documents from the center (policy, trust list): envelope, signing, update rules.

The signature covers the canonical JSON (sorted keys, no spaces, UTF-8) of kind, version,
issued_at and body, so any MQTT client can read the document and any Ed25519 library check it.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from screening.keys import SigningKey, VerifyKey
from screening.text import is_scalar_text

ENVELOPE_SCHEMA = 1
ENVELOPE_KEYS = {"schema", "kind", "version", "issued_at", "kid", "body", "signature"}
MAX_DEPTH = 32  # a policy nests a few levels (rules, JsonLogic); json.dumps recurses on depth


@dataclass(frozen=True)
class SignedDoc:
    """A verified document: its kind, version, issue time and body."""

    kind: str
    version: int
    issued_at: str
    body: dict[str, Any]
    envelope: dict[str, Any]


@dataclass(frozen=True)
class DocRejected:
    """A document that must not replace the current one, and why."""

    reason: str  # unsigned | malformed | unknown_key | forged | wrong_kind | not_newer
    detail: str = ""


def canonical(value: Any) -> bytes:
    """Canonical JSON bytes: sorted keys, no whitespace, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign_doc(kind: str, version: int, issued_at: str, body: dict[str, Any],
             key: SigningKey) -> dict[str, Any]:
    """Wrap and sign a body; returns the JSON envelope that is published."""
    signed_part = {"kind": kind, "version": version, "issued_at": issued_at, "body": body}
    signature = key.sign(canonical(signed_part))
    return {"schema": ENVELOPE_SCHEMA, **signed_part, "kid": key.kid.hex(),
            "signature": base64.b64encode(signature).decode()}


def open_doc(envelope: object, kind: str,
             keys: dict[bytes, VerifyKey]) -> SignedDoc | DocRejected:
    """Verify an envelope of the expected kind against the center's keys; never raises."""
    try:
        return _open(envelope, kind, keys)
    except Exception as exc:  # a document off the network must never stop the thread reading it
        return DocRejected("malformed", f"{type(exc).__name__}")


def _open(envelope: object, kind: str, keys: dict[bytes, VerifyKey]) -> SignedDoc | DocRejected:
    if not isinstance(envelope, dict):
        return DocRejected("malformed", "not a JSON object")
    if "signature" not in envelope or "kid" not in envelope:
        return DocRejected("unsigned", "no signature")
    if set(envelope) != ENVELOPE_KEYS or envelope.get("schema") != ENVELOPE_SCHEMA:
        return DocRejected("malformed", f"keys must be {sorted(ENVELOPE_KEYS)}, schema 1")
    problem = _json_problem(envelope)
    if problem:
        return DocRejected("malformed", problem)
    version, body = envelope["version"], envelope["body"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        return DocRejected("malformed", "version must be a positive integer")
    if not isinstance(body, dict) or not isinstance(envelope["issued_at"], str):
        return DocRejected("malformed", "body must be an object, issued_at a string")
    if not isinstance(envelope["kid"], str) or not isinstance(envelope["signature"], str):
        return DocRejected("malformed", "kid and signature must be strings")
    try:
        kid = bytes.fromhex(envelope["kid"])
        signature = base64.b64decode(envelope["signature"], validate=True)
    except (ValueError, binascii.Error):
        return DocRejected("malformed", "kid or signature is not hex/base64")
    key = keys.get(kid)
    if key is None:
        return DocRejected("unknown_key", kid.hex())
    signed_part = {k: envelope[k] for k in ("kind", "version", "issued_at", "body")}
    if not key.verify(signature, canonical(signed_part)):
        return DocRejected("forged", "signature does not match")
    if envelope["kind"] != kind:
        return DocRejected("wrong_kind", str(envelope["kind"]))
    return SignedDoc(kind, version, envelope["issued_at"], body, envelope)


def _json_problem(value: object) -> str | None:
    """What makes a decoded JSON value unfit to sign or store, or None; iterative, bounded."""
    pending: list[tuple[object, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if depth > MAX_DEPTH:
            return f"nested deeper than {MAX_DEPTH}"
        if isinstance(item, str):
            if not is_scalar_text(item):
                return "text holds a lone surrogate"
        elif isinstance(item, dict):
            pending.extend((k, depth + 1) for k in item)
            pending.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            pending.extend((v, depth + 1) for v in item)
        elif not (item is None or isinstance(item, bool | int | float)):
            return f"{type(item).__name__} is not a JSON value"
    return None


def accept_update(current_version: int | None, envelope: object, kind: str,
                  keys: dict[bytes, VerifyKey]) -> SignedDoc | DocRejected:
    """Open a candidate document and accept it only if it is newer than the one in force."""
    doc = open_doc(envelope, kind, keys)
    if isinstance(doc, SignedDoc) and current_version is not None \
            and doc.version <= current_version:
        return DocRejected("not_newer", f"version {doc.version} <= {current_version}")
    return doc
