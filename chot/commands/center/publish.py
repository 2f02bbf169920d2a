"""`chot center policy publish` and `chot center trust publish`: sign the next version and
publish it retained."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from chot.commands.center.options import config_option, load
from chot.failure import fail, said


def add_parsers(subparsers: Any) -> None:
    """Add `policy publish` and `trust publish` to `chot center`."""
    for kind, vi in (("policy", "chính sách"), ("trust", "danh sách đơn vị cấp tin cậy")):
        group = subparsers.add_parser(kind, help=f"phát hành {vi} / publish the {kind}")
        group.set_defaults(handler=_usage(group))
        actions = group.add_subparsers(dest=f"{kind}_command", metavar="COMMAND")
        parser = actions.add_parser(
            "publish", help=f"ký và phát hành {vi} / sign and publish the {kind}",
            description=f"ký và phát hành {vi} (giữ lại, phiên bản tăng dần) / sign and "
                        f"publish the {kind} retained, with the next version")
        config_option(parser)
        parser.add_argument("file", help=f"{kind} JSON file")
        parser.add_argument("--key", help="center private key (default: [publish] key)")
        parser.set_defaults(handler=publish_policy if kind == "policy" else publish_trust)
        if kind == "policy":
            example = actions.add_parser(
                "example", help=said("help_policy_example"))
            example.add_argument("--province", required=True,
                                 help="the province's official code (e.g. 01)")
            example.set_defaults(handler=example_policy)


def _usage(parser: argparse.ArgumentParser) -> Any:
    def show(_args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2
    return show


def example_policy(args: argparse.Namespace) -> int:
    """Print the directives' default policy for --province as a body to edit and publish."""
    from screening.default_policy import DEFAULT_BODY
    from screening.places import normalize_province, province_name

    province = normalize_province(str(args.province))
    name = province_name(province)
    if name is None:
        return fail(said("unknown_province", province=args.province),
                    "unknown_province")
    body = {**DEFAULT_BODY, "province": province,
            "name": f"Mặc định theo chỉ thị, {name} / Default from the directives, {name}"}
    print(json.dumps(body, ensure_ascii=False, indent=2))
    return 0


def publish_policy(args: argparse.Namespace) -> int:
    """Sign FILE's policy with the next version and publish it retained."""
    return _publish(args, "policy")


def publish_trust(args: argparse.Namespace) -> int:
    """Sign FILE's trust list with the next version and publish it retained."""
    return _publish(args, "trust")


def _publish(args: argparse.Namespace, kind: str) -> int:
    from datetime import UTC, datetime

    from center.publish import (
        Ledger,
        PublishProblem,
        policy_document,
        publish_document,
        trust_document,
    )
    from center.service import ledger_folder
    from screening.files import FileProblem, read_json, read_signing_key

    loaded = load(args, broker=True)
    if isinstance(loaded, int):
        return loaded
    cfg, sections = loaded
    key_path = args.key or sections.publish.key
    if key_path is None:
        return fail(said("key_missing"), "key_missing")
    try:
        key = read_signing_key(key_path)
        data = read_json(args.file)
        if kind == "policy":
            body = policy_document(data)
            if body["province"] != cfg.province:
                return fail(said("wrong_province", policy=body["province"],
                                  center=cfg.province), "wrong_province")
        else:
            body = trust_document(data, Path(args.file).resolve().parent)
        done = publish_document(cfg.broker, cfg.province, kind, body, key,
                                Ledger(ledger_folder(cfg, sections)), datetime.now(UTC))
    except FileProblem as exc:
        return fail(f"{said('file_not_usable')}: {exc}", "file_invalid")
    except PublishProblem as exc:
        return fail(str(exc), exc.reason)
    print(json.dumps({"kind": done.kind, "version": done.version, "topic": done.topic,
                      "kid": key.kid.hex(), "issued_at": done.envelope["issued_at"]},
                     ensure_ascii=False))
    return 0
