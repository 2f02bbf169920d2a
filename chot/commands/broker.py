"""`chot broker access`: every broker login of the province, generated from its registry."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from chot.failure import said

DYNSEC_FILE = "dynamic-security.json"


def register(tree: Any) -> None:
    """Add `chot broker access`."""
    tree.group("broker", help=said("help_group_broker"))
    parser = tree.command(
        "access", access, said("help_broker_access"),
        group="broker")
    parser.add_argument("--registry", required=True, help="the province registry (TOML)")
    parser.add_argument("--out", required=True,
                        help="folder for center/ and posts/{post}/: dynamic-security.json and "
                             "passwords/{login}.password (kept across runs; delete one to rotate)")
    parser.add_argument("--share-group", default="center",
                        help="the center instances' shared-subscription group ([ingest])")


def access(args: argparse.Namespace) -> int:
    """Write each broker's dynamic-security.json and any missing login passwords."""
    from center.broker_access import AccessProblem, center_access, post_access
    from center.registry import load_registry
    from infra.config import ConfigProblem

    try:
        registry = load_registry(args.registry)
        brokers = {Path("center"): center_access(registry, args.share_group)}
        for post in registry.post:
            brokers[Path("posts") / post.code] = post_access(registry, post.code)
    except (ConfigProblem, AccessProblem) as exc:
        print(json.dumps({"error": str(exc), "reason": getattr(exc, "reason", "registry")},
                         ensure_ascii=False))
        return 2
    out = Path(args.out)
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    created: list[str] = []
    for folder, broker in brokers.items():
        created += _write_broker(out / folder, broker)
    print(json.dumps({"out": str(out), "province": registry.province,
                      "brokers": [str(f) for f in brokers], "new_passwords": created},
                     ensure_ascii=False))
    return 0


def _write_broker(folder: Path, broker: Any) -> list[str]:
    from center.broker_access import dynsec_document, usernames

    passwords_dir = folder / "passwords"
    for made in (folder.parent, folder, passwords_dir):
        made.mkdir(mode=0o700, exist_ok=True)
    passwords: dict[str, str] = {}
    created = []
    for username in usernames(broker):
        path = passwords_dir / f"{username}.password"
        if not path.exists():
            _write_private(path, _new_password() + "\n", exclusive=True)
            created.append(str(path))
        passwords[username] = path.read_text("utf-8").strip()
    document = dynsec_document(broker, passwords)
    _write_private(folder / DYNSEC_FILE, json.dumps(document, ensure_ascii=False, indent=1))
    return created


def _new_password() -> str:
    import secrets

    return secrets.token_urlsafe(24)


def _write_private(path: Path, text: str, exclusive: bool = False) -> None:
    # Created 0600 from the first byte (never chmod'ed after), replaced by rename.
    target = path if exclusive else path.with_name(path.name + ".new")
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(target, flags, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    if not exclusive:
        os.replace(target, path)
