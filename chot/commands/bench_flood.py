"""`chot bench flood`: one post floods valid batches beside a well-behaved post."""

from __future__ import annotations

import argparse
import json
from typing import Any

from chot.failure import said

CALM_P99_FACTOR = 2.0
FLOOD_P99_MAX_MS = 2000.0
PEAK_RSS_MAX_MB = 500.0


def register(tree: Any) -> None:
    """Add `chot bench flood`."""
    parser = tree.command("flood", run_bench_flood,
                          said("help_bench_flood"), group="bench")
    parser.add_argument("--duration", type=float, default=60.0,
                        help="seconds the flood lasts (default 60)")
    parser.add_argument("--calm", type=float, default=20.0,
                        help="seconds of calm traffic measured before the flood")
    parser.add_argument("--rate", type=float, default=20.0,
                        help="events a second the well-behaved post's kiosk sends")
    parser.add_argument("--keep", default=None, help="keep logs and databases in this folder")
    parser.add_argument("--json", action="store_true", help="print only the JSON line")


def targets_met(figures: dict[str, Any]) -> bool:
    """The issue's targets: flooded p99 ≤ 2× calm and ≤ 2 s, ≤ 500 MB each, held back, 0 lost."""
    return (figures["lost"] == 0 and figures["held_back"] > 0
            and figures["flood_p99_ms"] <= CALM_P99_FACTOR * figures["calm_p99_ms"]
            and figures["flood_p99_ms"] <= FLOOD_P99_MAX_MS
            and all(mb <= PEAK_RSS_MAX_MB for mb in figures["peak_rss_mb"].values()))


def run_bench_flood(args: argparse.Namespace) -> int:
    """Run the benchmark; the last stdout line is the JSON result."""
    from pathlib import Path

    from sim.bench.flood import run_flood
    from sim.broker import BrokerUnavailable

    if args.duration <= 0 or args.calm <= 0 or args.rate <= 0:
        print(json.dumps({"error": said("duration_calm_rate_positive"),
                          "reason": "bad_argument"}, ensure_ascii=False))
        return 2
    try:
        result = run_flood(args.duration, args.calm, args.rate,
                           keep=Path(args.keep) if args.keep else None)
    except BrokerUnavailable as exc:
        print(json.dumps({"error": str(exc), "reason": "broker_unavailable"},
                         ensure_ascii=False))
        return 2
    figures = result.to_json()
    if not args.json:
        print(f"calm post p99 {figures['calm_p99_ms']} ms before, {figures['flood_p99_ms']} ms "
              f"during a {args.duration:.0f} s flood; {figures['held_back']} flood events held "
              f"back, {figures['flood_stored']} stored; lost {figures['lost']}; peak RSS "
              f"{figures['peak_rss_mb']} MB")
    print(json.dumps(figures, ensure_ascii=False))
    return 0 if targets_met(figures) else 1
