"""`chot bench state` and `chot bench gaps`: center costs that must stay flat as the province
and its history grow."""

from __future__ import annotations

import argparse
import json
from typing import Any

from chot.failure import fail, said


def register(tree: Any) -> None:
    """Add `chot bench state` and `chot bench gaps`."""
    state = tree.command("state", bench_state,
                         said("help_bench_state"),
                         group="bench")
    state.add_argument("--small", type=int, default=200, help="devices of the small run")
    state.add_argument("--large", type=int, default=5000, help="devices of the large run")
    state.add_argument("--states", type=int, default=20_000, help="state messages per run")
    gaps = tree.command("gaps", bench_gaps,
                        said("help_bench_gaps"), group="bench")
    gaps.add_argument("--history", default="0,100000,1000000",
                      help="older stored events of each run, comma-separated")
    gaps.add_argument("--recent", type=int, default=50_000,
                      help="events in the days the scan reads (the same in each run)")


def bench_state(args: argparse.Namespace) -> int:
    """Time the watch on state messages with a small and a large registry; print ratios."""
    from sim.bench.center_costs import run_state_bench

    if min(args.small, args.large, args.states) < 5:
        return fail(said("small_large_states"), "bad_argument")
    print(json.dumps(run_state_bench(args.small, args.large, args.states), ensure_ascii=False))
    return 0


def bench_gaps(args: argparse.Namespace) -> int:
    """Time the gap scan at each history size; print the times and the ratio."""
    from sim.bench.center_costs import run_gap_bench

    try:
        histories = [int(part) for part in args.history.split(",")]
    except ValueError:
        histories = []
    if not histories or min(histories) < 0 or args.recent < 1:
        return fail(said("history_recent"), "bad_argument")
    print(json.dumps(run_gap_bench(histories, args.recent), ensure_ascii=False))
    return 0
