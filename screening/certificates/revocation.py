"""Revoked certificates: EU DCC hashes per signer kid, SMART Health Card rids per issuer key.

The EU lists hashes (SHA-256, first 16 bytes) of one of three things per signer: the
certificate's identifier (UCI), the issuing country + identifier (COUNTRYCODEUCI), or the
signature (SIGNATURE). A SMART issuer lists revoked `rid`s per key, each optionally with a
time: cards issued (`nbf`) before it are revoked, later ones stand. Lookups are dict hits.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import rfc8785

from screening.certificates.framework import Framework
from screening.certificates.revocation_filters import Mode, Slice, position

HASH_BYTES = 16
UNKNOWN_KID = "UNKNOWN_KID"  # EU batches for certificates whose signer is not known


class HashType(StrEnum):
    """What an EU DCC revocation entry hashes, in the order verifiers check them."""

    UCI = "UCI"
    COUNTRYCODEUCI = "COUNTRYCODEUCI"
    SIGNATURE = "SIGNATURE"


@dataclass(frozen=True)
class ShcCrl:
    """One SMART issuer key's revocation list: `rid` → revoked before this Unix time
    (None: revoked whatever the card's issue time)."""

    kid: str
    ctr: int
    rids: Mapping[str, int | None]
    method: str = "rid"  # "hash-fhir": legacy cards without a rid, listed by their bundle


# kid → hash type → 16-byte hash → expiry (Unix seconds; None: never)
DccHashes = Mapping[str, Mapping[HashType, Mapping[bytes, float | None]]]


@dataclass(frozen=True)
class StoredSlice:
    """One slice of the EU distribution service: its filter, binary and expiry."""

    kind: str  # BLOOMFILTER or VARHASHLIST
    raw: bytes
    expires: float | None
    filter: Slice


@dataclass(frozen=True)
class SignerSlices:
    """A signer's revocation slices as the distribution service cut them."""

    mode: Mode
    hash_types: frozenset[HashType]
    slices: Mapping[tuple[str, str], tuple[StoredSlice, ...]]  # (partition, chunk) → slices


@dataclass(frozen=True)
class Revocations:
    """Every revocation list a kiosk holds, and when each framework's lists were fetched."""

    dcc: DccHashes = field(default_factory=dict)
    shc: Mapping[str, ShcCrl] = field(default_factory=dict)
    fetched_at: Mapping[Framework, datetime] = field(default_factory=dict)
    dcc_slices: Mapping[str, SignerSlices] = field(default_factory=dict)

    def holds(self, framework: Framework) -> bool:
        """True when a list for this framework was imported."""
        return framework in self.fetched_at

    def age(self, framework: Framework, now: datetime) -> timedelta | None:
        """How old this framework's revocation data is at `now` (None when there is none)."""
        fetched = self.fetched_at.get(framework)
        return None if fetched is None else now - fetched

    def dcc_revoked(self, kid: str, hashes: Mapping[HashType, list[bytes]],
                    now: datetime) -> HashType | None:
        """The hash type under which this DCC is listed for its signer, or None."""
        moment = now.timestamp()
        for listed in (self.dcc.get(kid), self.dcc.get(UNKNOWN_KID)):
            if not listed:
                continue  # no list for this signer: not revoked
            for hash_type in HashType:
                table = listed.get(hash_type, {})
                for digest in hashes.get(hash_type, ()) if table else ():
                    expires = table.get(digest, 0.0)
                    if digest in table and (expires is None or moment < expires):
                        return hash_type
        return self._sliced(kid, hashes, moment)

    def _sliced(self, kid: str, hashes: Mapping[HashType, list[bytes]],
                moment: float) -> HashType | None:
        signer = self.dcc_slices.get(kid)
        if signer is None:
            return None
        for hash_type in HashType:
            if hash_type not in signer.hash_types:
                continue
            for digest in hashes.get(hash_type, ()):
                for piece in signer.slices.get(position(digest, signer.mode), ()):
                    if (piece.expires is None or moment < piece.expires) \
                            and digest in piece.filter:
                        return hash_type
        return None

    def shc_revoked(self, kid: str, rid: str | None, nbf: datetime | None) -> bool:
        """True when the card's `rid` is on its key's list, for a card issued at `nbf`."""
        crl = self.shc.get(kid)
        if crl is None or rid is None or rid not in crl.rids:
            return False
        before = crl.rids[rid]
        return before is None or nbf is None or nbf.timestamp() < before


def fhir_rid(bundle: Any) -> str | None:
    """The rid a legacy card without one is listed under (SMART RFC 002, `hash-fhir`):
    base64url of the first 8 bytes of SHA-256 over base64url(RFC 8785 JSON of its bundle)."""
    try:
        canonical = rfc8785.dumps(bundle)
    except (rfc8785.CanonicalizationError, TypeError, ValueError, RecursionError):
        return None
    encoded = base64.urlsafe_b64encode(canonical).rstrip(b"=")
    return base64.urlsafe_b64encode(hashlib.sha256(encoded).digest()[:8]).rstrip(b"=") \
        .decode("ascii")


NO_REVOCATIONS = Revocations(MappingProxyType({}), MappingProxyType({}), MappingProxyType({}),
                             MappingProxyType({}))


def truncated_sha256(data: bytes) -> bytes:
    """The first 16 bytes of SHA-256, as the EU revocation lists carry their hashes."""
    return hashlib.sha256(data).digest()[:HASH_BYTES]


def dcc_hashes(entry: Mapping[str, Any], issuer_country: str | None, signature: bytes,
               algorithm: str) -> dict[HashType, list[bytes]]:
    """The hashes of one DCC that EU lists may hold: over its first v/t/r entry's `ci`,
    country + `ci` (both the CWT `iss` and the entry's `co` are tried: verifiers differ), and
    the signature (for ECDSA only `r`, so the (r, n - s) twin cannot escape)."""
    out: dict[HashType, list[bytes]] = {}
    uci = entry.get("ci")
    if isinstance(uci, str) and uci:
        out[HashType.UCI] = [truncated_sha256(uci.encode())]
        countries = {c for c in (issuer_country, entry.get("co")) if isinstance(c, str) and c}
        out[HashType.COUNTRYCODEUCI] = [truncated_sha256((c + uci).encode())
                                        for c in sorted(countries)]
    signed = signature[:len(signature) // 2] if algorithm == "ES256" else signature
    out[HashType.SIGNATURE] = [truncated_sha256(signed)]
    return out
