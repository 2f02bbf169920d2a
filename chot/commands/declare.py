"""`chot declare`: the reference declaration issuer (signed code text and QR image)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from chot.failure import complain, reason_of, said


def register(tree: Any) -> None:
    """Add `chot declare`."""
    parser = tree.command("declare", declare,
                          said("help_declare"))
    parser.add_argument("--example", action="store_true", help="print an example declaration JSON")
    parser.add_argument("--key", help="issuer private key (issuer.key)")
    parser.add_argument("--json", dest="json_file", help="declaration JSON file ('-' for stdin)")
    parser.add_argument("--png", help="also write the QR code image here")


def declare(args: argparse.Namespace) -> int:
    """Print an example, or sign a declaration and print its code text as the last line."""
    from datetime import UTC, datetime

    from screening import declaration, signed_code
    from screening.files import FileProblem, read_json, read_signing_key
    from screening.validity import DEFAULT_RULES

    now = datetime.now(UTC)
    if args.example:
        print(json.dumps(declaration.to_json(declaration.example(now)), ensure_ascii=False,
                         indent=2))
        return 0
    if not args.key or not args.json_file:
        print(said("key_and_json"),
              file=sys.stderr)
        return 2
    try:
        key = read_signing_key(args.key)
    except FileProblem as exc:
        print(f"{said('signing_key_unusable')}: {exc} [{exc.reason}]",
              file=sys.stderr)
        return 2
    try:
        decl = declaration.from_json(read_json(args.json_file), now)
    except (FileProblem, ValueError) as exc:
        complain(f"{said('declaration_invalid')}: {exc}",
                 reason_of(exc, "declaration_invalid"))
        return 1
    if decl.expires_at - decl.issued_at > DEFAULT_RULES.max_validity:
        print(said("long_validity", limit=DEFAULT_RULES.max_validity), file=sys.stderr)
    code = signed_code.issue(decl, key)
    if args.png:
        import segno

        qr = segno.make(code, error="m", boost_error=False)
        qr.save(args.png, scale=6, border=4)
        print(f"QR version {qr.version}-{qr.error} → {args.png}", file=sys.stderr)
    print(code)
    return 0
