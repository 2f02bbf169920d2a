"""`chot bench gateway`: the durable relay beside raw paho batched and a mosquitto bridge."""

from __future__ import annotations

import argparse
import json
from typing import Any

from chot.failure import said


def register(tree: Any) -> None:
    """Add `chot bench gateway`."""
    parser = tree.command("gateway", run_bench_gateway,
                          said("help_bench_gateway"), group="bench")
    parser.add_argument("--events", type=int, default=20_000,
                        help="events for the throughput runs (relay, raw paho, bridge)")
    parser.add_argument("--backlog", "--drain-events", dest="backlog", type=int, default=None,
                        help="events piled up while the uplink is cut, then drained "
                             "(default: --events)")
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

    if args.events < 1 or args.latency_events < 1 or args.rate <= 0 or \
            (args.backlog is not None and args.backlog < 1):
        print(json.dumps({"error": said("gateway_bench_positive"),
                          "reason": "bad_argument"}, ensure_ascii=False))
        return 2
    try:
        result = run_bench(args.events, args.latency_events, args.rate, args.backlog,
                           keep=Path(args.keep) if args.keep else None)
    except BrokerUnavailable as exc:
        print(json.dumps({"error": str(exc), "reason": "broker_unavailable"},
                         ensure_ascii=False))
        return 2
    figures = result.to_json()
    if not args.json:
        cpu = figures["cpu_us_per_event"]
        print(f"durable relay {figures['events_per_s']}/s ({cpu['relay']['total']} µs CPU/event)"
              f" vs mosquitto bridge {figures['bridge_per_s']}/s ({cpu['bridge']['total']} µs)"
              f", raw paho batched {figures['raw_paho_batched_per_s']}/s "
              f"({cpu['raw_paho_batched']['total']} µs); p50 {figures['p50_ms']} ms, "
              f"p99 {figures['p99_ms']} ms at {args.rate}/s; {figures['backlog']} backlog "
              f"drained in {figures['drain_s']} s, {figures['resent_during_drain']} resent; "
              f"lost {figures['lost']}")
    print(json.dumps(figures, ensure_ascii=False))
    return 0 if figures["lost"] == 0 else 1
