"""`chot demo [--headless --duration S]`: the whole system on embedded defaults."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from chot.failure import said

if TYPE_CHECKING:
    from chot.cli import CommandTree


def register(tree: CommandTree) -> None:
    """Add `chot demo`."""
    parser = tree.command(
        "demo", run, said("help_demo"))
    parser.add_argument("--headless", action="store_true",
                        help="no staff UI: run for --duration seconds, print the run's report")
    parser.add_argument("--duration", type=float, default=None,
                        help="seconds to run (headless default 60; with the UI: until quit)")


def run(args: argparse.Namespace) -> int:
    """Run the demo; the last stdout line is the JSON report; exit 1 if anything was wrong."""
    from sim.broker import BrokerUnavailable
    from sim.components import stop_children_on_hangup
    from sim.demo import run_demo

    if args.duration is not None and args.duration <= 0:
        _print({"error": said("duration_positive"),
                "reason": "bad_argument"})
        return 2
    stop_children_on_hangup()
    try:
        report = run_demo(args.headless, args.duration,
                          lambda m: print(m, file=sys.stderr, flush=True))
    except BrokerUnavailable as exc:
        _print({"error": str(exc), "reason": "broker_unavailable"})
        return 2
    except (OSError, RuntimeError) as exc:
        _print({"error": f"{said('demo_failed')}: {exc}",
                "reason": "run_failed"})
        return 2
    _print(report.to_json())
    return 0 if report.ok else 1


def _print(record: dict[str, object]) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)
