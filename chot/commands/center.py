"""`chot center --config F [--headless]`: the provincial center; subcommands join later.

Subcommands (report, policy publish, trust publish, arrivals) are added to the `center`
sub-parsers below with `subcommands.add_parser(...)` and their own `handler` default.
"""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(tree: Any) -> None:
    """Add `chot center` and its (initially empty) subcommand table."""
    parser = tree.command("center", run_center,
                          "trung tâm tỉnh: nhận và lưu sự kiện / provincial center: ingest")
    parser.add_argument("--config", help="center TOML file")
    parser.add_argument("--headless", action="store_true",
                        help="no dashboard: ingest, store and acknowledge only")
    parser.add_argument("--log-level", default="WARNING", help="DEBUG, INFO, WARNING, ERROR")
    parser.add_subparsers(dest="center_command", metavar="COMMAND")


def run_center(args: argparse.Namespace) -> int:
    """Run ingest until SIGTERM/SIGINT; prints its counters as JSON at the end."""
    import logging
    from dataclasses import asdict

    from center.config import CenterConfig
    from center.ingest import CenterIngest
    from center.store import Store
    from gateway.config import ConfigProblem, load_config
    from gateway.lifecycle import run_until_signalled

    if not args.config:
        print(json.dumps({"error": "Thiếu --config / --config is required",
                          "reason": "config_missing"}, ensure_ascii=False))
        return 2
    if not args.headless:
        print(json.dumps({"error": "Chưa có bảng điều khiển, dùng --headless / the dashboard "
                          "is not available yet, use --headless", "reason": "no_dashboard"},
                         ensure_ascii=False))
        return 2
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    try:
        cfg = load_config(args.config, CenterConfig)
    except ConfigProblem as exc:
        print(json.dumps({"error": str(exc), "reason": exc.reason}, ensure_ascii=False))
        return 2
    store = Store(cfg.store.path)
    ingest = CenterIngest(cfg, store)
    ingest.start()
    print(json.dumps({"center": cfg.instance, "status": "running", "store": str(cfg.store.path)},
                     ensure_ascii=False), flush=True)
    run_until_signalled()
    ingest.stop()
    total = store.count_events()
    store.close()
    print(json.dumps({"center": cfg.instance, "status": "stopped", "stored_total": total,
                      **asdict(ingest.counters)}, ensure_ascii=False))
    return 0
