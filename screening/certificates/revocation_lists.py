"""Revocation lists as the ecosystems publish them, and as the center's trust list carries them.

Read: EU DCC gateway revocation batches (`{country, expires, kid, hashType, entries: [{hash}]}`,
one, a JSON array of them or `{"batches": [...]}`), SMART Health Card issuer lists
(`{kid, method: "rid", ctr, rids: ["rid" | "rid.<unix time>"]}`), and our own export, the
`revocation` member of a trust-list body. Bytes in, `Revocations` out; no I/O.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import tarfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from screening.certificates.framework import Framework, framework_times
from screening.certificates.revocation import (
    HASH_BYTES,
    HashType,
    Revocations,
    ShcCrl,
    SignerSlices,
    StoredSlice,
)
from screening.certificates.revocation_filters import Mode, SliceError, read_slice

RID = re.compile(r"[A-Za-z0-9_-]{1,24}")  # base64url, at most 24 characters
MAX_RIDS = 1_000_000
MAX_SLICES = 100_000
MAX_SLICE_TOTAL = 256 * 1024 * 1024
SLICE_KINDS = ("BLOOMFILTER", "VARHASHLIST")


class RevocationImportError(ValueError):
    """Revocation data that cannot be read at all; the message names the problem."""


@dataclass(frozen=True)
class RevocationImport:
    """What one file gave: the lists, and the parts skipped with why."""

    revocations: Revocations
    skipped: list[str]


def looks_like_revocation(body: Any) -> bool:
    """True for JSON shaped like an EU batch (or list of them) or a SMART issuer's list."""
    if isinstance(body, dict) and isinstance(body.get("batches"), list):
        body = body["batches"]
    if isinstance(body, list):
        return bool(body) and all(isinstance(b, dict) and "hashType" in b for b in body)
    return isinstance(body, dict) and ("hashType" in body or "rids" in body)


def read_revocation_json(body: Any, fetched_at: datetime) -> RevocationImport:
    """Lists from parsed JSON (see the module doc); raises RevocationImportError."""
    skipped: list[str] = []
    if isinstance(body, dict) and "rids" in body:
        crl = _shc_crl(body, skipped)
        return RevocationImport(Revocations(shc={crl.kid: crl},
                                            fetched_at={Framework.SHC: fetched_at}), skipped)
    batches = body.get("batches") if isinstance(body, dict) and "batches" in body else body
    if isinstance(batches, dict):
        batches = [batches]
    if not isinstance(batches, list):
        raise RevocationImportError("neither an EU revocation batch nor a SMART issuer list")
    dcc: dict[str, dict[HashType, dict[bytes, float | None]]] = {}
    for index, batch in enumerate(batches):
        try:
            _add_batch(dcc, batch, skipped, f"batch {index + 1}")
        except (RevocationImportError, TypeError, ValueError, KeyError) as exc:
            skipped.append(f"batch {index + 1}: {str(exc)[:120]}")
    if not dcc:
        raise RevocationImportError("no usable revocation batch"
                                    + (f" ({'; '.join(skipped[:3])})" if skipped else ""))
    return RevocationImport(Revocations(dcc=dcc, fetched_at={Framework.HCERT: fetched_at}),
                            skipped)


def merge_revocations(parts: Iterable[Revocations]) -> Revocations:
    """One store from several: a hash keeps its latest expiry, a key its newest list, and
    each framework is as old as its oldest source (staleness is never understated)."""
    dcc: dict[str, dict[HashType, dict[bytes, float | None]]] = {}
    shc: dict[str, ShcCrl] = {}
    fetched: dict[Framework, datetime] = {}
    sliced: dict[str, SignerSlices] = {}
    for part in parts:
        sliced.update(part.dcc_slices)  # a signer's slices come whole from one download
        for kid, tables in part.dcc.items():
            for hash_type, table in tables.items():
                into = dcc.setdefault(kid, {}).setdefault(hash_type, {})
                for digest, expires in table.items():
                    into[digest] = _later(into[digest], expires) if digest in into else expires
        for kid, crl in part.shc.items():
            if kid not in shc or crl.ctr > shc[kid].ctr:
                shc[kid] = crl
        for framework, moment in part.fetched_at.items():
            fetched[framework] = min(fetched.get(framework, moment), moment)
    return Revocations(dcc, shc, fetched, sliced)


def export_revocations(revocations: Revocations) -> dict[str, Any]:
    """The `revocation` member of a trust-list body, read back by `revocations_from_body`:
    hashes grouped by signer, type and expiry, each group one base64 run of 16-byte hashes."""
    groups: dict[tuple[str, HashType, float | None], list[bytes]] = {}
    for kid, tables in sorted(revocations.dcc.items()):
        for hash_type, table in tables.items():
            for digest, expires in table.items():
                groups.setdefault((kid, hash_type, expires), []).append(digest)
    dcc = [{"kid": kid, "hashType": str(hash_type), "expires": _iso(expires),
            "hashes": base64.b64encode(b"".join(sorted(digests))).decode("ascii")}
           for (kid, hash_type, expires), digests in groups.items()]
    shc = [{"kid": crl.kid, "method": crl.method, "ctr": crl.ctr,
            "rids": sorted(rid if before is None else f"{rid}.{before}"
                           for rid, before in crl.rids.items())}
           for crl in revocations.shc.values()]
    signers = [{"kid": kid, "mode": str(signer.mode),
                "hashTypes": sorted(str(t) for t in signer.hash_types),
                "slices": [{"partition": partition, "chunk": chunk, "type": piece.kind,
                            "expires": _iso(piece.expires),
                            "data": base64.b64encode(piece.raw).decode("ascii")}
                           for (partition, chunk), pieces in sorted(signer.slices.items())
                           for piece in pieces]}
               for kid, signer in sorted(revocations.dcc_slices.items())]
    out = {"dcc": dcc, "shc": shc,
           "fetched_at": {str(fw): moment.astimezone(UTC).isoformat()
                          for fw, moment in sorted(revocations.fetched_at.items())}}
    return {**out, "signers": signers} if signers else out


def revocations_from_body(body: Any, issued_at: datetime | None) -> RevocationImport:
    """The lists a trust-list body carries (none when it has none); a framework without its
    own fetch time is as old as the document (`issued_at`); raises RevocationImportError."""
    part = body.get("revocation") if isinstance(body, dict) else None
    if part is None:
        return RevocationImport(Revocations(), [])
    if not isinstance(part, dict):
        raise RevocationImportError("'revocation' must be an object")
    stamps = _stamps(part.get("fetched_at", {}))
    skipped: list[str] = []
    dcc: dict[str, dict[HashType, dict[bytes, float | None]]] = {}
    for index, group in enumerate(_list(part.get("dcc", []), "revocation.dcc")):
        try:
            _add_group(dcc, group)
        except (TypeError, ValueError, KeyError) as exc:
            skipped.append(f"revocation.dcc[{index}]: {str(exc)[:120]}")
    shc: dict[str, ShcCrl] = {}
    for index, item in enumerate(_list(part.get("shc", []), "revocation.shc")):
        try:
            crl = _shc_crl(item, skipped)
            shc[crl.kid] = crl
        except (RevocationImportError, TypeError, ValueError) as exc:
            skipped.append(f"revocation.shc[{index}]: {str(exc)[:120]}")
    sliced: dict[str, SignerSlices] = {}
    for index, item in enumerate(_list(part.get("signers", []), "revocation.signers")):
        try:
            kid, signer = _exported_signer(item)
            sliced[kid] = signer
        except (SliceError, TypeError, ValueError, KeyError) as exc:
            skipped.append(f"revocation.signers[{index}]: {str(exc)[:120]}")
    fetched: dict[Framework, datetime] = {}
    for framework, present in ((Framework.HCERT, dcc or sliced), (Framework.SHC, shc)):
        moment = stamps.get(framework, issued_at)
        if present and moment is not None:
            fetched[framework] = moment
    return RevocationImport(Revocations(dcc, shc, fetched, sliced), skipped)


def looks_like_distribution_lists(body: Any) -> bool:
    """True for the distribution service's `GET /lists` answer: [{kid, mode, hashTypes, …}]."""
    return isinstance(body, list) and bool(body) and all(
        isinstance(item, dict) and "mode" in item and "hashTypes" in item for item in body)


def read_distribution(lists: Any, tarballs: list[tuple[str, bytes]],
                      fetched_at: datetime) -> RevocationImport:
    """Slices downloaded from the EU distribution service: `lists` is its `GET /lists`
    answer (mode, hash types and expiry per kid), each tarball a slice download (entries
    `kid/partition/chunk/sid`, kid in base64url); raises RevocationImportError."""
    if not looks_like_distribution_lists(lists):
        raise RevocationImportError("the service's lists ([{kid, mode, hashTypes}]) are "
                                    "needed beside its slices")
    skipped: list[str] = []
    meta: dict[str, tuple[Mode, frozenset[HashType], float | None]] = {}
    for index, item in enumerate(lists):
        try:
            meta[_standard_kid(item["kid"])] = (
                Mode(item["mode"]), frozenset(HashType(t) for t in item["hashTypes"]),
                _time(item.get("expires")))
        except (TypeError, ValueError, KeyError) as exc:
            skipped.append(f"lists[{index}]: {str(exc)[:120]}")
    pieces: dict[str, dict[tuple[str, str], list[StoredSlice]]] = {}
    for name, data in tarballs:
        for entry, raw in _tar_members(name, data):
            parts = entry.strip("/").split("/")
            kid = _standard_kid(parts[0]) if len(parts) == 4 else None
            if kid is None or kid not in meta:
                skipped.append(f"{name}: {entry[:60]}: no listed kid")
                continue
            try:
                kind, found = _any_slice(raw)
            except SliceError as exc:
                skipped.append(f"{name}: {entry[:60]}: {exc}")
                continue
            pieces.setdefault(kid, {}).setdefault((parts[1], parts[2]), []).append(
                StoredSlice(kind, raw, meta[kid][2], found))
    if not pieces:
        raise RevocationImportError("no usable slice" + (
            f" ({'; '.join(skipped[:3])})" if skipped else ""))
    sliced = {kid: SignerSlices(meta[kid][0], meta[kid][1],
                                {key: tuple(found) for key, found in cut.items()})
              for kid, cut in pieces.items()}
    return RevocationImport(Revocations(dcc_slices=sliced,
                                        fetched_at={Framework.HCERT: fetched_at}), skipped)


def _tar_members(name: str, data: bytes) -> list[tuple[str, bytes]]:
    out: list[tuple[str, bytes]] = []
    total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
            for member in archive:
                if not member.isfile():
                    continue
                total += member.size
                if len(out) >= MAX_SLICES or total > MAX_SLICE_TOTAL:
                    raise RevocationImportError(f"{name}: more slices than a post can hold")
                handle = archive.extractfile(member)
                if handle is not None:
                    out.append((member.name, handle.read()))
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise RevocationImportError(f"{name}: not a slice archive: {str(exc)[:80]}") from None
    return out


def _any_slice(raw: bytes) -> tuple[str, Any]:
    # The download's filter type is the client's choice (X-SLICE-FILTER-TYPE), not in the
    # binary: a Bloom filter's header fixes its length, so it is tried first.
    try:
        return "BLOOMFILTER", read_slice(raw, "BLOOMFILTER")
    except SliceError:
        return "VARHASHLIST", read_slice(raw, "VARHASHLIST")


def _exported_signer(item: Any) -> tuple[str, SignerSlices]:
    if not isinstance(item, dict) or not isinstance(item.get("kid"), str):
        raise TypeError("a signer needs a kid")
    cut: dict[tuple[str, str], list[StoredSlice]] = {}
    for piece in _list(item.get("slices"), "slices"):
        if piece.get("type") not in SLICE_KINDS:
            raise ValueError("slice type is neither BLOOMFILTER nor VARHASHLIST")
        raw = base64.b64decode(piece["data"], validate=True)
        cut.setdefault((str(piece["partition"]), str(piece["chunk"])), []).append(
            StoredSlice(piece["type"], raw, _time(piece.get("expires")),
                        read_slice(raw, piece["type"])))
    return item["kid"], SignerSlices(Mode(item["mode"]),
                                     frozenset(HashType(t) for t in item["hashTypes"]),
                                     {key: tuple(found) for key, found in cut.items()})


def _standard_kid(kid: Any) -> str:
    """A kid as the trust list spells it (standard base64), from base64url or base64."""
    if not isinstance(kid, str) or not kid:
        raise ValueError("no kid")
    raw = base64.urlsafe_b64decode(kid.replace("+", "-").replace("/", "_")
                                   + "=" * (-len(kid) % 4))
    return base64.b64encode(raw).decode("ascii")


def _add_batch(dcc: dict[str, dict[HashType, dict[bytes, float | None]]], batch: Any,
               skipped: list[str], where: str) -> None:
    if not isinstance(batch, dict):
        raise RevocationImportError("not an object")
    hash_type = HashType(batch["hashType"])
    kid = batch.get("kid")
    if not isinstance(kid, str) or not kid:
        raise RevocationImportError("no kid")
    expires = _time(batch.get("expires"))
    table = dcc.setdefault(kid, {}).setdefault(hash_type, {})
    bad = 0
    for entry in _list(batch.get("entries"), "entries"):
        digest = _hash(entry.get("hash") if isinstance(entry, dict) else None)
        if digest is None:
            bad += 1
            continue
        table[digest] = _later(table[digest], expires) if digest in table else expires
    if bad:
        skipped.append(f"{where}: {bad} entries are not base64 of {HASH_BYTES} bytes")


def _add_group(dcc: dict[str, dict[HashType, dict[bytes, float | None]]], group: Any) -> None:
    if not isinstance(group, dict) or not isinstance(group.get("kid"), str):
        raise TypeError("a group needs a kid")
    hash_type = HashType(group["hashType"])
    expires = _time(group.get("expires"))
    run = base64.b64decode(group["hashes"], validate=True)
    if len(run) % HASH_BYTES:
        raise ValueError(f"hashes are not a run of {HASH_BYTES}-byte values")
    table = dcc.setdefault(group["kid"], {}).setdefault(hash_type, {})
    for start in range(0, len(run), HASH_BYTES):
        table[run[start:start + HASH_BYTES]] = expires


def _shc_crl(body: Any, skipped: list[str]) -> ShcCrl:
    if not isinstance(body, dict) or not isinstance(body.get("kid"), str) or not body["kid"]:
        raise RevocationImportError("a SMART revocation list needs a kid")
    method = body.get("method", "rid")
    if method not in ("rid", "hash-fhir"):
        raise RevocationImportError(f"method {str(method)[:20]!r} is neither 'rid' nor "
                                    "'hash-fhir'")
    ctr = body.get("ctr")
    if isinstance(ctr, str) and ctr.isdigit():
        ctr = int(ctr)  # the specification writes it as a string, its examples as a number
    if not isinstance(ctr, int) or isinstance(ctr, bool):
        raise RevocationImportError("ctr is not a counter")
    rids: dict[str, int | None] = {}
    bad = 0
    for item in _list(body.get("rids"), "rids")[:MAX_RIDS]:
        rid, _, stamp = item.partition(".") if isinstance(item, str) else ("", "", "")
        if not RID.fullmatch(rid) or (stamp and not stamp.isdigit()):
            bad += 1
            continue
        before = int(stamp) if stamp else None
        seen = rids.get(rid, 0)
        rids[rid] = None if before is None or (rid in rids and seen is None) \
            else max(before, seen or 0)
    if bad:
        skipped.append(f"kid {body['kid'][:24]}: {bad} rids are not base64url[.time]")
    return ShcCrl(body["kid"], ctr, rids, method)


def _hash(value: Any) -> bytes | None:
    if not isinstance(value, str):
        return None
    try:
        digest = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return digest if len(digest) == HASH_BYTES else None


def _later(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else max(a, b)


def _time(value: Any) -> float | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("expires is not an ISO time")
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _iso(stamp: float | None) -> str | None:
    if stamp is None:
        return None
    try:
        return datetime.fromtimestamp(stamp, UTC).isoformat()
    except (OverflowError, OSError, ValueError):  # past year 9999 in UTC: never, in effect
        return None


def _stamps(value: Any) -> dict[Framework, datetime]:
    try:
        return framework_times(value, "revocation.fetched_at")
    except ValueError as exc:
        raise RevocationImportError(str(exc)) from None


def _list(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise RevocationImportError(f"'{name}' is not a list")
    return value
