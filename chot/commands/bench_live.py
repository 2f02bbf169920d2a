"""`chot bench live`: the center's CPU per event and kiosk → center ack time at live rates."""

from __future__ import annotations

import argparse
import json
from typing import Any

from chot.failure import said


def register(tree: Any) -> None:
    """Add `chot bench live`."""
    parser = tree.command("live", run_bench_live,
                          said("help_bench_live"), group="bench")
    parser.add_argument("--posts", type=int, default=5, help="posts the kiosks belong to")
    parser.add_argument("--kiosks", type=int, default=200, help="kiosks sending")
    parser.add_argument("--rate", type=float, default=100.0, help="events per second, in all")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the paced run")


def run_bench_live(args: argparse.Namespace) -> int:
    """Run the paced load on a fresh center; print one JSON line."""
    from sim.bench.live import run_live_bench
    from sim.broker import BrokerUnavailable

    if min(args.posts, args.kiosks) < 1 or args.posts > args.kiosks or args.rate <= 0 \
            or args.seconds <= 0 or args.rate * args.seconds < args.kiosks:
        print(json.dumps({"error": "--posts ≤ --kiosks, --rate × --seconds ≥ --kiosks, all > 0"
                                   " / phải > 0", "reason": "bad_argument"}, ensure_ascii=False))
        return 2
    try:
        result = run_live_bench(args.posts, args.kiosks, args.rate, args.seconds)
    except BrokerUnavailable as exc:
        print(json.dumps({"error": str(exc), "reason": "broker_unavailable"},
                         ensure_ascii=False))
        return 2
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["unacked"] == 0 else 1
