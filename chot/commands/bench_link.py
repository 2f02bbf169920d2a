"""`chot bench link`: broker links under steady load over the shipped TLS listeners (a soak)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from chot.failure import said


def register(tree: Any) -> None:
    """Add `chot bench link`."""
    parser = tree.command("link", run_bench_link,
                          said("help_bench_link"),
                          group="bench")
    parser.add_argument("--minutes", type=float, default=10.0, help="how long the load runs")
    parser.add_argument("--kiosks", type=int, default=4, help="kiosk links on the post broker")
    parser.add_argument("--rate", type=float, default=50.0, help="events per second per kiosk")
    parser.add_argument("--keep", default=None, help="keep logs and databases in this folder")
    parser.add_argument("--json", action="store_true", help="print only the JSON line")


def run_bench_link(args: argparse.Namespace) -> int:
    """Run the soak; the last stdout line is the JSON result, exit 1 unless it was clean."""
    from pathlib import Path

    from chot.failure import fail, said
    from sim.bench.link import run_link_soak
    from sim.broker import BrokerUnavailable

    if args.minutes <= 0 or args.kiosks < 1 or args.rate <= 0:
        return fail(said("minutes_kiosks_rate_positive"), "bad_argument")
    try:
        result = run_link_soak(args.minutes * 60, args.kiosks, args.rate,
                               keep=Path(args.keep) if args.keep else None)
    except BrokerUnavailable as exc:
        return fail(f"{said('mosquitto_failed')}: {exc}",
                    "broker_unavailable")
    figures = result.to_json()
    if not args.json:
        print(f"{figures['events']} events over TLS in {args.minutes} min, "
              f"{figures['stored']} stored; broker protocol errors "
              f"{figures['protocol_errors_total']}, client reconnects "
              f"{figures['reconnects_total']}")
    print(json.dumps(figures, ensure_ascii=False))
    return 0 if result.clean else 1
