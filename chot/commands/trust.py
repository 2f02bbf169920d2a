"""`chot trust import`: foreign-certificate trust and revocation lists merged into the center's
trust body."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from chot.failure import said


def register(tree: Any) -> None:
    """Add `chot trust import`."""
    tree.group("trust", help=said("help_group_trust"))
    parser = tree.command(
        "import", import_lists,
        said("help_trust_import"), group="trust")
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="DCC gateway-style JSON list, DSC (PEM, DER, base64 DER), JWKS, "
                             "VCI directory snapshot, EU DCC revocation batches, the EU "
                             "distribution service's lists (JSON) with its slices (.tar.gz), "
                             "SMART issuer revocation list (crl/KID.json) or an earlier export")
    parser.add_argument("--into", metavar="BODY",
                        help="the trust body with today's 'issuers' to merge into "
                             "(as `chot center trust publish` reads it)")
    parser.add_argument("--issuer", metavar="URL",
                        help="the SMART Health Card issuer (iss) of a bare JWKS")
    parser.add_argument("--fetched-at", "--listed-at", dest="fetched_at", metavar="ISO",
                        help="when the files were fetched from their publishers (default: "
                             "now); the kiosks age the lists from it")
    parser.add_argument("--out", required=True, help="the merged trust body to write")


def import_lists(args: argparse.Namespace) -> int:
    """Read each list, merge with --into, write --out; the last line is a JSON summary.

    A malformed entry is skipped and named on stderr (and counted); the rest are imported.
    """
    from datetime import UTC, datetime
    from pathlib import Path

    from center.publish import PublishProblem, trust_document
    from chot.failure import fail, said
    from screening.certificates.revocation_lists import merge_revocations
    from screening.files import FileProblem, read_json, read_trust
    from screening.trust import with_certificates

    try:
        fetched_at = _when(args.fetched_at) if args.fetched_at else datetime.now(UTC)
    except ValueError:
        return fail(f"{said('fetched_at_not_iso')}: {args.fetched_at[:40]}", "bad_argument")
    try:
        base: dict[str, Any] = {"issuers": []}
        if args.into:
            base = trust_document(read_json(args.into), Path(args.into).resolve().parent)
        read = read_trust(args.files, shc_issuer=args.issuer, read_at=fetched_at)
    except (FileProblem, PublishProblem) as exc:
        return fail(f"{said('cannot_import')}: {exc}",
                    getattr(exc, "reason", "trust_invalid"))
    if read.issuers:
        return fail(said("issuer_keys_elsewhere"), "trust_invalid")
    store = read.certificates
    for item in store.skipped:
        print(f"{said('skipped')}: {item}", file=sys.stderr)
    for warning in _crl_warnings(store):
        print(warning, file=sys.stderr)
    listed = {entry.framework: fetched_at for entry in store.entries}
    body = with_certificates(base, list(store.entries), listed,
                             merge_revocations([store.revocation]))
    Path(args.out).write_text(json.dumps(body, ensure_ascii=False, indent=1) + "\n", "utf-8")
    revoked = store.revocation
    print(json.dumps({
        "out": args.out, "issuers": len(body["issuers"]), "hcert": len(body["hcert"]),
        "shc": len(body["shc"]), "listed_at": body["listed_at"],
        "revoked": {"dcc": sum(len(t) for tables in revoked.dcc.values()
                               for t in tables.values()),
                    "shc": sum(len(crl.rids) for crl in revoked.shc.values())},
        "skipped": len(store.skipped)}, ensure_ascii=False))
    return 0


def _crl_warnings(store: Any) -> list[str]:
    """A SMART key that announces a revocation list (crlVersion) newer than the one imported."""
    out = []
    for entry in store.entries:
        if entry.crl_version is None:
            continue
        crl = store.revocation.shc.get(entry.kid)
        if crl is None or crl.ctr < entry.crl_version:
            have = "none" if crl is None else f"ctr {crl.ctr}"
            out.append(f"Cảnh báo / warning: key {entry.kid[:16]} announces revocation list "
                       f"crlVersion {entry.crl_version}, imported: {have} "
                       f"(fetch {entry.issuer or '<iss>'}/.well-known/crl/{entry.kid}.json)")
    return out


def _when(text: str) -> Any:
    from datetime import UTC, datetime

    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
