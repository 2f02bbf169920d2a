"""`chot keys generate`: the declaration issuer's and the center's signing keys."""

from __future__ import annotations

import argparse
import json
from typing import Any

from chot.failure import fail, said

KEY_PAIRS = ("issuer", "center")


def register(tree: Any) -> None:
    """Add `chot keys generate`."""
    tree.group("keys", help=said("help_group_keys"))
    parser = tree.command("generate", generate, said("help_keys_generate"),
                          group="keys")
    parser.add_argument("--out", required=True, help="folder for issuer.key/.pub, center.key/.pub")
    parser.add_argument("--force", action="store_true", help="overwrite existing keys")


def generate(args: argparse.Namespace) -> int:
    """Write the issuer and center key pairs into --out."""
    from pathlib import Path

    from infra.sqlite import write_private_file
    from screening.keys import SigningKey

    out = Path(args.out)
    try:
        out.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        return fail(f"Không tạo được thư mục khoá / cannot create the keys folder {out}: "
                    f"{exc.strerror or exc}", "write_failed")
    existing = [p for name in KEY_PAIRS for p in (out / f"{name}.key",) if p.exists()]
    if existing and not args.force:
        print(f"{said('keys_exist')}: {existing[0]} "
              "(--force to replace)")
        return 1
    result: dict[str, str] = {}
    try:
        for name in KEY_PAIRS:
            key = SigningKey.generate()
            write_private_file(out / f"{name}.key", key.to_pem())
            (out / f"{name}.pub").write_bytes(key.public.to_pem())
            result[f"{name}_kid"] = key.kid.hex()
    except OSError as exc:
        return fail(f"Không ghi được khoá / cannot write the keys into {out}: "
                    f"{exc.strerror or exc}", "write_failed")
    print(json.dumps({"out": str(out), **result}))
    return 0
