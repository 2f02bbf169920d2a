"""`chot bench center-store`: the center's store on SQLite and on PostgreSQL, compared."""

from __future__ import annotations

import argparse
import json
from typing import Any

from chot.failure import fail, said


def register(tree: Any) -> None:
    """Add `chot bench center-store`."""
    bench = tree.command("center-store", bench_center_store,
                         said("help_bench_center_store"),
                         group="bench")
    bench.add_argument("--events", type=int, default=20_000, help="events per run")


def bench_center_store(args: argparse.Namespace) -> int:
    """Store the same events in each backend; print rates and ratios to SQLite."""
    from center.stores import StoreUnavailable
    from sim.bench.center_store import run_store_bench
    from sim.postgres import PostgresMissing

    if args.events < 1:
        return fail(said("events_positive"), "bad_argument")
    try:
        result = run_store_bench(args.events)
    except PostgresMissing as exc:
        return fail(f"{said('postgres_missing')}: {exc}", "postgres_missing")
    except StoreUnavailable as exc:
        return fail(str(exc), exc.reason)
    print(json.dumps(result, ensure_ascii=False))
    return 0
