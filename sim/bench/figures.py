"""README and docs tables written from the benchmarks' stored JSON, so they cannot disagree.

`python -m sim.bench.figures` rewrites every marked block
(`<!-- figures:NAME -->` … `<!-- /figures:NAME -->`) in README.md and docs/*.md from the
stored result RENDERERS names for it (docs/bench/*.json:
`{"command": …, "result": <the JSON line the command printed>}`); `--check` only reports
the blocks that differ (exit 1), as the test suite does.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "docs" / "bench"
BLOCK = re.compile(r"(<!-- figures:(?P<name>[a-z0-9-]+) -->\n)(?P<body>.*?)"
                   r"(<!-- /figures:(?P=name) -->)", re.S)


def _n(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def _cpu(cpu: dict[str, float]) -> str:
    parts = ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in cpu.items()
                      if name != "total")
    return f"**{cpu['total']}** ({parts})"


def gateway(stored: dict[str, Any]) -> str:
    """The relay beside its two baselines, one run."""
    r, cpu = stored["result"], stored["result"]["cpu_us_per_event"]
    rows = [
        ("durable relay: kiosk → post broker → gateway (outbox commit) → center broker → "
         "center (checks, commit, ack back)", r["events_per_s"], cpu["relay"], r["lost"]),
        ("mosquitto bridge with persistence, post broker → center broker → SQLite "
         "subscriber (commit before PUBACK): the peer", r["bridge_per_s"], cpu["bridge"],
         r["bridge_lost"]),
        ("raw paho, the same batched messages, the uplink's settings, nothing durable: "
         "the ceiling", r["raw_paho_batched_per_s"], cpu["raw_paho_batched"], None),
    ]
    lines = [f"`{stored['command']}` ({r['events']:,} events through each path in one run; "
             "rates from the first send to the last commit seen in the store; load average "
             f"≈{stored['load_avg']} on the 2 shared cores):", "",
             "| path | events/s | CPU µs per event (every process on the path) | lost |",
             "|---|---|---|---|"]
    lines += [f"| {name} | **{_n(rate)}** | {_cpu(c)} | {'–' if lost is None else lost} |"
              for name, rate, c, lost in rows]
    rate_ratio = r["events_per_s"] / r["bridge_per_s"] if r["bridge_per_s"] else 0.0
    cpu_ratio = cpu["relay"]["total"] / cpu["bridge"]["total"] if cpu["bridge"]["total"] else 0
    lines += ["", f"Relay beside the bridge: {rate_ratio:.2f}× its rate at {cpu_ratio:.1f}× its "
              f"CPU per event (target: faster at no more CPU). Kiosk → center at "
              f"{r['latency_rate']:g} events/s: p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms; "
              f"stored twice: {r['doubled']}."]
    return "\n".join(lines) + "\n"


def gateway_backlog(stored: dict[str, Any]) -> str:
    """What a large backlog costs the gateway and the center."""
    r = stored["result"]
    peak, outbox = r["peak_mb"], r["outbox_mb"]
    note = f" {stored['note']}" if stored.get("note") else ""
    lines = [f"`{stored['command']}` (the uplink cut while {r['backlog']:,} events pile up in "
             f"the gateway's outbox, then restored; load average ≈{stored['load_avg']}).{note}",
             "",
             "| figure | value | target |", "|---|---|---|",
             f"| drain after the uplink returns | {r['drain_s']} s | |",
             f"| events sent again during the drain | **{r['resent_during_drain']:,}** | 0 |",
             f"| peak memory (whole run): gateway | **{peak['gateway']} MB** | ≤ 150 MB |",
             f"| peak memory (whole run): center | **{peak['center']} MB** | ≤ 500 MB |",
             f"| outbox file with its WAL: full → after the drain | {outbox['full']} MB → "
             f"**{outbox['after_drain']} MB** | space given back |",
             f"| lost / stored twice | {r['lost']} / {r['doubled']} | 0 / 0 |"]
    return "\n".join(lines) + "\n"


def live(stored: dict[str, Any]) -> str:
    """The center's cost per event at live rates."""
    r = stored["result"]
    return _sentence(stored, f"({r['kiosks']} kiosks over {r['posts']} posts, {r['rate']:g} "
                     "events/s, each event one message): the center spends "
                     f"**{r['center_cpu_us_per_event']:,} µs** of CPU per event (idle it "
                     f"spends the equivalent of {r['center_idle_cpu_us_per_event']} µs; target "
                     f"≤ 200 µs); publish → center ack p50 {r['ack_p50_ms']} ms, p99 "
                     f"{r['ack_p99_ms']} ms; unacknowledged: {r['unacked']}.")


def kiosk(stored: dict[str, Any]) -> str:
    """Scan → verdict drawn, one run of the kiosk benchmark."""
    r = stored["result"]
    return _sentence(stored, f"(load average ≈{stored['load_avg']} on 2 cores): scan → verdict "
                     f"drawn p50 {r['verdict_p50_ms']} ms, **p95 {r['verdict_p95_ms']} ms** "
                     f"(core decision alone p95 {r['core_p95_ms']} ms); `chot kiosk` process "
                     f"ready in {r['process_ready_s']} s, {r['process_rss_mb']} MB resident.")


def _sentence(stored: dict[str, Any], rest: str) -> str:
    return f"`{stored['command']}` {rest}\n"


# block name → (stored result it reads, how it is written)
RENDERERS: dict[str, tuple[str, Callable[[dict[str, Any]], str]]] = {
    "gateway": ("gateway", gateway), "gateway-backlog": ("gateway", gateway_backlog),
    "gateway-backlog-500k": ("gateway-500k", gateway_backlog),
    "live": ("live", live), "kiosk": ("kiosk", kiosk)}


def documents(root: Path = ROOT) -> list[Path]:
    """The files whose marked blocks are generated."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def render(text: str, results: Path = RESULTS) -> str:
    """text with every marked block written from its stored JSON."""
    def block(match: re.Match[str]) -> str:
        source, renderer = RENDERERS[match["name"]]
        stored = json.loads((results / f"{source}.json").read_text("utf-8"))
        return match.group(1) + renderer(stored) + match.group(4)

    return BLOCK.sub(block, text)


def main(argv: list[str]) -> int:
    """Rewrite (or with --check, compare) every marked block; 1 when --check finds one stale."""
    stale = []
    for path in documents():
        text = path.read_text("utf-8")
        new = render(text)
        if new != text:
            stale.append(path.relative_to(ROOT))
            if "--check" not in argv:
                path.write_text(new, "utf-8")
    for path in stale:
        print(f"{'stale' if '--check' in argv else 'rewrote'}: {path}")
    return 1 if stale and "--check" in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
