"""`chot bench state` and `chot bench gaps`: center costs that must not grow with the province.

`state`: what the watch spends on one device state message (the live link's work, and the
store row ingest keeps) with a small and a large registry of devices. `gaps`: the sequence-gap
scan on SQLite with the same recent days behind more and more stored history. Both run the
product's own code on real SQLite files; ratios are what to read on a shared machine.
"""

from __future__ import annotations

import json
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from center.link_log import LinkLog
from center.registry import Registry
from center.roster import KioskRoster
from center.sequence_gaps import DAYS_SCANNED, sequence_gaps
from center.settings import CenterSections
from center.store import Store, province_day
from center.watch import CenterWatch
from infra import topics
from screening.event import utc_iso

PROV = "11"
GAP_KIOSKS = 200
INSERT_CHUNK = 50_000


def _history_rows(count: int, first: datetime, last: datetime, offset: int,
                  ) -> list[tuple[Any, ...]]:
    """`count` event rows spread evenly from `first` to `last`, 200 kiosks of 20 posts."""
    rows = []
    step = (last - first) / max(1, count)
    for n in range(count):
        at = first + step * n
        kiosk = (offset + n) % GAP_KIOSKS
        rows.append((f"{offset + n:026d}", f"post-{kiosk % 20}", f"k{kiosk}",
                     (offset + n) // GAP_KIOSKS + 1, "scan", utc_iso(at), province_day(at),
                     "clear", at.timestamp(), "{}"))
    return rows


def _fill(store: Store, rows: list[tuple[Any, ...]]) -> None:
    # Straight into the table: building a million events through the full check would time
    # the check, not the scan.
    for start in range(0, len(rows), INSERT_CHUNK):
        with store.db.transaction(durable=False) as tx:
            tx.executemany("INSERT INTO events(event_id, post, kiosk, seq, type, at, day, "
                           "outcome, received_at, payload) VALUES (?,?,?,?,?,?,?,?,?,?)",
                           rows[start:start + INSERT_CHUNK])


def gap_scan_ms(folder: Path, history: int, recent: int, now: datetime, reps: int = 3,
                ) -> dict[str, Any]:
    """The scan's best time over `reps` with `recent` events in the scanned days behind
    `history` older ones (and the gaps it found, the same in every run)."""
    store = Store(folder / f"gaps-{history}.db")
    window_start = now - timedelta(days=DAYS_SCANNED - 1)
    old_end = now - timedelta(days=DAYS_SCANNED + 1)
    _fill(store, _history_rows(history, old_end - timedelta(days=365), old_end, 0))
    rows = _history_rows(recent, window_start, now, history)
    # One gap per kiosk, so the scan has something to find.
    _fill(store, [row for n, row in enumerate(rows) if n // GAP_KIOSKS != 3])
    best, gaps = float("inf"), 0
    for _ in range(reps):
        start = time.perf_counter()
        gaps = len(sequence_gaps(store.db, now))
        best = min(best, time.perf_counter() - start)
    store.close()
    return {"history": history, "recent": recent, "gaps": gaps, "scan_ms": round(best * 1000, 1)}


def run_gap_bench(histories: list[int], recent: int) -> dict[str, Any]:
    """The scan at each history size, as the JSON `chot bench gaps` prints."""
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="chot-bench-gaps-") as tmp:
        runs = [gap_scan_ms(Path(tmp), history, recent, now) for history in histories]
    base = runs[0]["scan_ms"] or 0.1
    return {"at": utc_iso(now), "recent_events": recent, "runs": runs,
            "ratio_largest_to_smallest": round(runs[-1]["scan_ms"] / base, 2)}


def _registry(devices: int) -> Registry:
    """Posts of one gateway and four kiosks, `devices` devices in all."""
    posts = max(1, devices // 5)
    return Registry(province=PROV, post=[{"code": f"post-{p}",
                                          "kiosks": [f"k{k}" for k in range(4)]}
                                         for p in range(posts)])


def _state(post: str, kiosk: str | None, backlog: int, at: datetime) -> tuple[str, bytes]:
    fields: dict[str, Any] = {"schema": 1, "status": "online", "post": post, "at": utc_iso(at),
                              "policy_version": 3, "trust_version": 2, "alarms": []}
    if kiosk is None:
        return topics.gateway_state(PROV, post), json.dumps(
            {**fields, "backlog": backlog, "oldest_pending_age_s": 0.0}).encode()
    return topics.kiosk_state(PROV, post, kiosk), json.dumps(
        {**fields, "kiosk": kiosk, "pending": backlog}).encode()


def state_cost_us(folder: Path, devices: int, states: int) -> dict[str, Any]:
    """The watch's µs per state message with `devices` registered and online."""
    registry = _registry(devices)
    where = folder / f"states-{devices}-{time.monotonic_ns()}.db"
    store, links = Store(where), LinkLog(where)
    watch = CenterWatch(PROV, CenterSections(), lambda topic, payload, retain: None, store,
                        links, claims=store, roster=KioskRoster(registry))
    all_devices = [(p.code, k) for p in registry.post for k in (None, *p.kiosks)]
    now = datetime.now(UTC)
    for post, kiosk in all_devices:  # everyone comes online once (recorded in the link log)
        watch.on_state(*_state(post, kiosk, 0, now), now)
    messages = [_state(*all_devices[n % len(all_devices)], n % 7, now) for n in range(states)]
    start = time.perf_counter()
    for topic, payload in messages:
        watch.on_state(topic, payload, now)
    seconds = time.perf_counter() - start
    known = len(watch.monitor.gateways) + len(watch.monitor.kiosks)
    links.close()
    store.close()
    return {"devices": known, "states": states,
            "per_state_us": round(seconds / states * 1e6, 1)}


def run_state_bench(small: int, large: int, states: int) -> dict[str, Any]:
    """The cost per state with a small and a large province, as `chot bench state` prints."""
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="chot-bench-state-") as tmp:
        state_cost_us(Path(tmp), small, states // 4)  # warm-up: imports, caches
        runs = [state_cost_us(Path(tmp), devices, states) for devices in (small, large)]
    return {"at": utc_iso(now), "runs": runs,
            "ratio_large_to_small": round(runs[1]["per_state_us"] / runs[0]["per_state_us"], 2)}
