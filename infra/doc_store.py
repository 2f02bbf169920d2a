"""Signed documents (policy, trust list): accepting one, and keeping the accepted ones in a
journal's or outbox's SQLite file.

One row per kind, the newest accepted envelope and its version, so a restart neither forgets
a revocation nor takes back an older document. Rows are checked again against the center's
keys when read back: the file is ours, but a copy from elsewhere must not be trusted blindly.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from typing import Any, Protocol

from screening.keys import VerifyKey
from screening.policy import POLICY_KIND
from screening.signed_doc import DocRejected, SignedDoc, accept_update, open_doc
from screening.trust import TRUST_KIND

log = logging.getLogger(__name__)

KINDS = (POLICY_KIND, TRUST_KIND)
SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    kind TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    envelope TEXT NOT NULL
);
"""


class DocHolder(Protocol):
    """A store that keeps accepted documents: kiosk_ui.journal.Journal, gateway.outbox.Outbox."""

    def doc(self, kind: str) -> tuple[int, dict[str, Any]] | None:
        """The stored (version, envelope) of this kind, or None."""
        ...


def read_doc(db: sqlite3.Connection, kind: str) -> tuple[int, dict[str, Any]] | None:
    """The stored (version, envelope) of this kind; None when absent or not JSON."""
    row = db.execute("SELECT version, envelope FROM docs WHERE kind=?", (kind,)).fetchone()
    if row is None:
        return None
    try:
        envelope = json.loads(row[1])
    except (ValueError, RecursionError):
        log.warning("stored %s is not JSON; ignored", kind)
        return None
    return (row[0], envelope) if isinstance(envelope, dict) else None


def write_doc(db: sqlite3.Connection, kind: str, version: int,
              envelope: dict[str, Any]) -> None:
    """Store an accepted document unless a newer one of its kind is already stored."""
    db.execute("INSERT INTO docs VALUES (?, ?, ?) ON CONFLICT(kind) DO UPDATE SET "
               "version=excluded.version, envelope=excluded.envelope "
               "WHERE excluded.version > docs.version",
               (kind, version, json.dumps(envelope, ensure_ascii=False)))


def verified_docs(holder: DocHolder, keys: dict[bytes, VerifyKey]) -> dict[str, SignedDoc]:
    """The stored documents that still verify against the center's keys, by kind."""
    found: dict[str, SignedDoc] = {}
    for kind in KINDS:
        stored = holder.doc(kind)
        if stored is None:
            continue
        try:
            doc = open_doc(stored[1], kind, keys)
        except Exception as exc:  # noqa: BLE001 - a damaged row must not stop a start
            log.warning("stored %s cannot be checked: %r", kind, exc)
            continue
        if isinstance(doc, SignedDoc):
            found[kind] = doc
        else:
            log.warning("stored %s no longer verifies: %s %s", kind, doc.reason, doc.detail)
    return found


def accept_document(kind: str, payload: bytes, current: int | None,
                    keys: dict[bytes, VerifyKey], source: str = "") -> SignedDoc | DocRejected:
    """A policy or trust message checked for taking: signed by a center key and newer than
    version `current`. Rejections other than not_newer are logged; never raises.

    Anyone who can publish on a broker can send anything here: whatever goes wrong with one
    document (bad JSON, nesting past the recursion limit, lone surrogates, a body that does
    not parse) is that document's rejection, never the end of the link that received it.
    """
    try:
        try:
            envelope = json.loads(payload)
        except (UnicodeDecodeError, json.JSONDecodeError):
            envelope = None
        result = accept_update(current, envelope, kind, keys)
    except Exception as exc:  # noqa: BLE001 - see above; RecursionError included
        result = DocRejected("unusable", repr(exc)[:200])
    if isinstance(result, DocRejected) and result.reason != "not_newer":
        log.warning("rejected %s%s: %s %s", kind, source, result.reason, result.detail)
    return result
