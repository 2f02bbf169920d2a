"""`chot bench gateway`: durable relay throughput beside raw paho QoS 1, latency, drain."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(tree: Any) -> None:
    """Add `chot bench gateway`."""
    parser = tree.command("gateway", run_bench_gateway,
                          "đo hiệu năng chuyển tiếp / benchmark the relay", group="bench")
    parser.add_argument("--events", type=int, default=20_000,
                        help="events for the throughput run and the drained backlog")
    parser.add_argument("--drain-events", type=int, default=None,
                        help="backlog size for drain_s (default: --events)")
    parser.add_argument("--latency-events", type=int, default=500,
                        help="events sent at --rate for p50/p99")
    parser.add_argument("--rate", type=float, default=100.0, help="paced rate for latency")
    parser.add_argument("--keep", default=None, help="keep logs and databases in this folder")
    parser.add_argument("--json", action="store_true", help="print only the JSON line")


def run_bench_gateway(args: argparse.Namespace) -> int:
    """Run the benchmark; the last stdout line is the JSON result."""
    from pathlib import Path

    from sim.bench.gateway import run_bench
    from sim.broker import BrokerUnavailable

    if args.events < 1 or args.latency_events < 1 or args.rate <= 0:
        print(json.dumps({"error": "--events, --latency-events, --rate phải > 0 / must be > 0",
                          "reason": "bad_argument"}, ensure_ascii=False))
        return 2
    try:
        result = run_bench(args.events, args.latency_events, args.rate, args.drain_events,
                           keep=Path(args.keep) if args.keep else None)
    except BrokerUnavailable as exc:
        print(json.dumps({"error": str(exc), "reason": "broker_unavailable"},
                         ensure_ascii=False))
        return 2
    figures = result.to_json()
    if not args.json:
        print(f"durable relay {figures['events_per_s']}/s vs raw paho "
              f"{figures['raw_paho_per_s']}/s (ratio {figures['ratio']}); "
              f"p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms at {args.rate}/s; "
              f"{figures['drain_events']} backlog drained in {figures['drain_s']} s; "
              f"lost {figures['lost']}")
    print(json.dumps(figures, ensure_ascii=False))
    return 0 if figures["lost"] == 0 else 1
