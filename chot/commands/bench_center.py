"""`chot bench center`: what the center's checks cost beside ingest alone."""

from __future__ import annotations

import argparse
import json
from typing import Any

from chot.failure import fail, said


def register(tree: Any) -> None:
    """Add `chot bench center`."""
    bench = tree.command("center", bench_center,
                         said("help_bench_center"), group="bench")
    bench.add_argument("--events", type=int, default=20_000, help="events per run")


def bench_center(args: argparse.Namespace) -> int:
    """Drain the same events with ingest alone and with the whole center; print ratios."""
    from sim.bench.center import run_bench
    from sim.broker import BrokerUnavailable

    if args.events < 1:
        return fail(said("events_positive"), "bad_argument")
    try:
        result = run_bench(args.events)
    except BrokerUnavailable as exc:
        return fail(str(exc), "broker_unavailable")
    print(json.dumps(result, ensure_ascii=False))
    return 0
