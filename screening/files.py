"""Reading keys, trust lists and policies from files: the thin I/O shell beside the pure core.

The one module of `screening` that touches the file system; the pure modules never import it
(pyproject.toml, import-linter), the kiosk, the simulator and the CLI do.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from screening.certificates import CertificateTrust, TrustEntry, TrustImportError
from screening.certificates.revocation import Revocations
from screening.certificates.revocation_lists import (
    RevocationImportError,
    looks_like_distribution_lists,
    looks_like_revocation,
    merge_revocations,
    read_distribution,
    read_revocation_json,
)
from screening.certificates.trust import read_trust_data
from screening.default_policy import default_policy
from screening.keys import SigningKey, VerifyKey, keyring
from screening.policy import POLICY_KIND, Policy, parse_policy
from screening.signed_doc import SignedDoc, open_doc
from screening.trust import TRUST_KIND, certificate_store, certificate_trust, issuer_keys

GZIP_MAGIC = b"\x1f\x8b"  # a tar.gz of revocation slices


class FileProblem(ValueError):
    """A key, policy or trust file that cannot be used; the message names the file and why."""

    def __init__(self, message: str, reason: str = "file_invalid") -> None:
        super().__init__(message)
        self.reason = reason


def read_signing_key(path: str | Path) -> SigningKey:
    """Load a private key file written by `chot keys generate`; refuse one others can read."""
    try:
        fd = os.open(path, os.O_RDONLY)
        with os.fdopen(fd, "rb") as file:
            mode = os.fstat(file.fileno()).st_mode  # of the file read, not of a swapped path
            if stat.S_ISREG(mode) and mode & 0o077:
                raise FileProblem(
                    f"{path}: khoá bí mật để người khác đọc được (quyền {mode & 0o777:04o}), "
                    f"hãy chạy chmod 600 / private key is readable by group or others "
                    f"(mode {mode & 0o777:04o}): run chmod 600 {path}", "key_file_exposed")
            pem = file.read()
        return SigningKey.from_pem(pem)
    except FileProblem:
        raise
    except (OSError, ValueError) as exc:
        raise FileProblem(f"{path}: {exc}") from None


def read_verify_key(path: str | Path) -> VerifyKey:
    """Load a public key file written by `chot keys generate`."""
    try:
        return VerifyKey.from_pem(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise FileProblem(f"{path}: {exc}") from None


def read_json(path: str | Path) -> Any:
    """Parse a JSON file ('-' is standard input)."""
    try:
        text = sys.stdin.read() if str(path) == "-" else Path(path).read_text("utf-8")
        return json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise FileProblem(f"{path}: {exc}") from None
    except RecursionError:
        raise FileProblem(f"{path}: JSON nested too deeply") from None


@dataclass(frozen=True)
class TrustFiles:
    """What a set of trust files vouches for: declaration issuers and certificate signers."""

    issuers: dict[bytes, VerifyKey]
    certificates: CertificateTrust


def read_trusted_issuers(paths: list[str], center_keys: list[VerifyKey] | None = None,
                         ) -> dict[bytes, VerifyKey]:
    """Issuer keys from PEM public key files and/or signed trust-list JSON files."""
    return read_trust(paths, center_keys).issuers


def read_trust(paths: list[str], center_keys: list[VerifyKey] | None = None,
               shc_issuer: str | None = None, read_at: datetime | None = None) -> TrustFiles:
    """Issuers, certificate signers and revocation lists from signed trust lists (checked
    against the center's keys), issuer .pub files, DSCs (PEM, DER, base64 DER), DCC gateway
    lists, JWKS, EU revocation batches and SMART issuer revocation lists.

    A signed list is as old as its fetch times, else its issue time. A bare file carries no
    date of its own (its modification time is only when it was copied): it is the operator's
    pin, current as of `read_at` (default now). `shc_issuer` names the issuer of a bare JWKS.
    A malformed entry is skipped and named in `certificates.skipped`; the rest keep working.
    """
    moment = read_at or datetime.now(UTC)
    keys: dict[bytes, VerifyKey] = {}
    entries: list[TrustEntry] = []
    skipped: list[str] = []
    revocations: list[Revocations] = []
    service_lists: list[Any] = []
    slices: list[tuple[str, bytes]] = []  # the EU distribution service's downloads
    for path in paths:
        data = _read_bytes(path)
        if data[:2] == GZIP_MAGIC:
            slices.append((path, data))
        elif _is_signed_json(data):
            doc = _open_signed(path, TRUST_KIND, center_keys)
            try:
                keys.update(issuer_keys(doc.body))
                store = certificate_trust(doc.body, _iso(doc.issued_at))
            except ValueError as exc:
                raise FileProblem(f"{path}: {exc}", "trust_invalid") from None
            entries += store.entries
            skipped += [f"{path}: {item}" for item in store.skipped]
            revocations.append(store.revocation)
        elif data.lstrip().startswith(b"-----BEGIN PUBLIC KEY"):
            key = read_verify_key(path)
            keys[key.kid] = key
        elif looks_like_distribution_lists(parsed := _json_or_none(data)):
            service_lists += parsed
        elif (listed := _revocation_json(data)) is not None:
            try:
                found = read_revocation_json(listed, moment)
            except (RevocationImportError, RecursionError) as exc:
                raise FileProblem(f"{path}: {exc}", "revocation_invalid") from None
            revocations.append(found.revocations)
            skipped += [f"{path}: {item}" for item in found.skipped]
        else:
            try:
                imported = read_trust_data(data, path, issuer=shc_issuer, listed_at=moment)
            except TrustImportError as exc:
                raise FileProblem(str(exc), "trust_invalid") from None
            entries += imported.entries
            skipped += imported.skipped
    if slices or service_lists:
        try:
            found = read_distribution(service_lists, slices, moment)
        except RevocationImportError as exc:
            raise FileProblem(str(exc), "revocation_invalid") from None
        revocations.append(found.revocations)
        skipped += found.skipped
    return TrustFiles(keys, certificate_store(entries, skipped, merge_revocations(revocations)))


def _revocation_json(data: bytes) -> Any:
    """The parsed JSON when a bare file holds revocation lists, else None."""
    parsed = _json_or_none(data)
    return parsed if looks_like_revocation(parsed) else None


def _json_or_none(data: bytes) -> Any:
    if data.lstrip()[:1] not in (b"{", b"["):
        return None
    try:
        return json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


def _read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise FileProblem(f"{path}: {exc}") from None


def _is_signed_json(data: bytes) -> bool:
    if not data.lstrip().startswith(b"{"):
        return False
    try:
        parsed = json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return isinstance(parsed, dict) and "signature" in parsed


def _iso(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def read_policy(path: str | None, center_keys: list[VerifyKey] | None = None) -> Policy:
    """A policy from a signed envelope (checked against center keys) or a plain body file.

    No path gives the built-in default policy.
    """
    if path is None:
        return default_policy()
    data = read_json(path)
    try:
        if isinstance(data, dict) and "signature" in data:
            doc = _open_signed(path, POLICY_KIND, center_keys, data)
            return parse_policy(doc.body, doc.version)
        return parse_policy(data if isinstance(data, dict) else {}, version=0)
    except ValueError as exc:
        raise FileProblem(f"{path}: {exc}") from None


def _open_signed(path: str, kind: str, center_keys: list[VerifyKey] | None,
                 data: Any = None) -> SignedDoc:
    if not center_keys:
        raise FileProblem(f"{path}: a signed {kind} needs the center's public key to check it")
    doc = open_doc(read_json(path) if data is None else data, kind, keyring(center_keys))
    if not isinstance(doc, SignedDoc):
        raise FileProblem(f"{path}: {kind} rejected ({doc.reason}: {doc.detail})")
    return doc
