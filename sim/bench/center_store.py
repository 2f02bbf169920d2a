"""`chot bench center-store`: how fast each store takes ingest's batches, SQLite as baseline.

The same events, in ingest's batches, go into a fresh SQLite file (one instance, the
baseline), into PostgreSQL by one instance, and into PostgreSQL by two instances at once
(each half of the batches, as the shared subscription splits them; then every batch again
to both, as after a redelivery storm, which must store nothing). Ratios are what to read.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from center.store import Store
from screening.event import utc_iso
from sim.bench.center import bench_events
from sim.postgres import PostgresCluster

BATCH = 2000  # ingest's default batch_max


def timed_batches(stores: list[Store], shares: list[list[list[dict[str, Any]]]]) -> tuple[
        float, int]:
    """Each store takes its share of batches in its own thread; (seconds, events new)."""
    new = [0] * len(stores)
    go = threading.Barrier(len(stores) + 1)

    def run(index: int) -> None:
        go.wait()
        for batch in shares[index]:
            new[index] += len(stores[index].add_events(batch))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(stores))]
    for thread in threads:
        thread.start()
    go.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, sum(new)


def run_store_bench(count: int) -> dict[str, Any]:
    """The three runs, as the JSON `chot bench center-store` prints, on a throwaway
    PostgreSQL cluster with the server's defaults (fsync on, as SQLite's store has it)."""
    now = datetime.now(UTC)
    events = [json.loads(payload) for _topic, payload in bench_events(count, now)]
    batches = [events[i:i + BATCH] for i in range(0, len(events), BATCH)]
    result: dict[str, Any] = {"events": count, "batch": BATCH, "at": utc_iso(now)}
    with tempfile.TemporaryDirectory(prefix="chot-bench-store-") as tmp:
        sqlite = Store(Path(tmp) / "center.db")
        seconds, new = timed_batches([sqlite], [batches])
        sqlite.close()
    result["sqlite_events_per_s"] = round(new / seconds)
    with PostgresCluster(durable=True) as cluster:
        result.update(_postgres_runs(cluster.database, batches, new / seconds))
    return result


def _postgres_runs(fresh: Callable[[], str], batches: list[list[dict[str, Any]]],
                   baseline_per_s: float) -> dict[str, Any]:
    count = sum(len(batch) for batch in batches)
    one = Store(fresh())
    seconds, new = timed_batches([one], [batches])
    one.close()
    single = new / seconds
    url = fresh()
    pair = [Store(url), Store(url)]
    seconds, new_two = timed_batches(pair, [batches[0::2], batches[1::2]])
    two = new_two / seconds
    _again_s, repeated = timed_batches(pair, [batches, batches])
    stored = pair[0].count_events()
    for store in pair:
        store.close()
    return {"postgres_events_per_s": round(single),
            "postgres_two_instances_events_per_s": round(two),
            "ratio_postgres": round(single / baseline_per_s, 3),
            "ratio_postgres_two_instances": round(two / baseline_per_s, 3),
            "stored_once": new == count and new_two == count and repeated == 0
            and stored == count}
