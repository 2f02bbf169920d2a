"""`chot firmware check` (type-check firmware/ against the MicroPython stubs) and
`chot firmware deploy --port P` (copy it to the node with mpremote)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from chot.failure import said

if TYPE_CHECKING:
    from chot.cli import CommandTree

FIRMWARE_DIR = Path(__file__).resolve().parents[2] / "firmware"
STUB_DISTRIBUTIONS = ("micropython-rp2-stubs", "micropython-stdlib-stubs")


def register(tree: CommandTree) -> None:
    """Add `chot firmware check` and `chot firmware deploy`."""
    tree.group("firmware", help=said("help_group_firmware"))
    check = tree.command("check", _check, said("help_firmware_check"), group="firmware")
    check.add_argument("--json", action="store_true", help="only the JSON summary line")
    deploy = tree.command("deploy", _deploy, said("help_firmware_deploy"), group="firmware")
    deploy.add_argument("--port", required=True, help="serial port of the node, e.g. /dev/ttyACM0")
    deploy.add_argument("--no-maintenance", action="store_true",
                        help="do not ask running firmware to free the REPL first")
    deploy.add_argument("--settle", type=float, default=2.0,
                        help="seconds for the node to come back after its maintenance reset "
                             "(default 2)")


def _check(args: argparse.Namespace) -> int:
    from hardware.thermometer_firmware import check_firmware

    result = check_firmware(FIRMWARE_DIR)
    if not args.json:
        sys.stdout.write(result.output)
    if not result.ok:
        print(said("firmware_type_check", errors=result.errors), file=sys.stderr)
    print(json.dumps({"ok": result.ok, "files": result.files, "errors": result.errors,
                      "stubs": result.stubs}, ensure_ascii=False))
    return 0 if result.ok else 1


def _deploy(args: argparse.Namespace) -> int:
    from hardware.thermometer_firmware import deploy_firmware

    result = deploy_firmware(FIRMWARE_DIR, args.port,
                             request_maintenance_first=not args.no_maintenance,
                             settle_s=args.settle)
    if not result.ok:
        print(f"{said('firmware_deploy_failed', port=args.port)}: {result.reason}", file=sys.stderr)
    print(json.dumps({"ok": result.ok, "port": args.port, "files": result.files,
                      "reason": result.reason}, ensure_ascii=False))
    return 0 if result.ok else 1
