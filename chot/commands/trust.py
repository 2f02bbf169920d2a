"""`chot trust import`: foreign-certificate trust lists merged into the center's trust body."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(tree: Any) -> None:
    """Add `chot trust import`."""
    tree.group("trust", help="danh sách tin cậy / trust lists")
    parser = tree.command(
        "import", import_lists,
        "nhập danh sách ký chứng nhận nước ngoài / import foreign certificate signers",
        group="trust")
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="DCC gateway-style JSON list, DSC (PEM, DER, base64 DER), JWKS, "
                             "VCI directory snapshot or an earlier export")
    parser.add_argument("--into", metavar="BODY",
                        help="the trust body with today's 'issuers' to merge into "
                             "(as `chot center trust publish` reads it)")
    parser.add_argument("--issuer", metavar="URL",
                        help="the SMART Health Card issuer (iss) of a bare JWKS")
    parser.add_argument("--listed-at", metavar="ISO",
                        help="when the lists were published (default: each file's time)")
    parser.add_argument("--out", required=True, help="the merged trust body to write")


def import_lists(args: argparse.Namespace) -> int:
    """Read each list, merge with --into, write --out; the last line is a JSON summary."""
    import os
    from datetime import UTC, datetime
    from pathlib import Path

    from center.publish import PublishProblem, trust_document
    from screening.certificates import Framework, TrustImportError, import_trust
    from screening.files import FileProblem, read_json
    from screening.trust import with_certificates

    try:
        stated = _when(args.listed_at) if args.listed_at else None
        base: dict[str, Any] = {"issuers": []}
        if args.into:
            base = trust_document(read_json(args.into), Path(args.into).resolve().parent)
        entries = []
        for name in args.files:
            path = Path(name)
            listed_at = stated or datetime.fromtimestamp(os.stat(path).st_mtime, UTC)
            entries += import_trust(path.read_bytes(), name, issuer=args.issuer,
                                    listed_at=listed_at)
    except (OSError, ValueError, FileProblem, PublishProblem, TrustImportError) as exc:
        print(f"Không nhập được / cannot import: {exc}", file=sys.stderr)
        return 2
    # A framework's list is as old as its oldest source: staleness is never understated.
    listed: dict[Framework, datetime] = {}
    for entry in entries:
        if entry.listed_at is not None:
            seen = listed.get(entry.framework)
            listed[entry.framework] = min(seen, entry.listed_at) if seen else entry.listed_at
    body = with_certificates(base, entries, listed)
    Path(args.out).write_text(json.dumps(body, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(json.dumps({"out": args.out, "issuers": len(body["issuers"]),
                      "hcert": len(body["hcert"]), "shc": len(body["shc"]),
                      "listed_at": body["listed_at"]}, ensure_ascii=False))
    return 0


def _when(text: str) -> Any:
    from datetime import UTC, datetime

    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
