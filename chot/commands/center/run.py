"""`chot center --config F [--headless|--view|--serve]`: the center with its watch, headless
or with the dashboard (`--view` watches another instance's store, `--serve` serves it to
browsers)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from chot.commands.center.options import config_path, load
from chot.failure import fail, said
from chot.logs import configure_logging


def run_center(args: argparse.Namespace) -> int:
    """`chot center --config F [--headless|--view|--serve]`: the center with its watch."""
    from center.stores import StoreUnavailable

    loaded = load(args, broker=True)
    if isinstance(loaded, int):
        return loaded
    cfg, sections = loaded
    if getattr(args, "serve", False):
        return _serve(args)
    if getattr(args, "headless", False):
        configure_logging(str(getattr(args, "log_level", "WARNING")))
        try:
            return _headless(cfg, sections)
        except StoreUnavailable as exc:
            return fail(str(exc), exc.reason)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return fail(said("no_terminal"), "no_terminal")
    # The terminal belongs to the dashboard: log to a file beside the store instead.
    from center.files import private_file

    log_file = private_file(cfg.store.files_folder() / "center.log")
    configure_logging(str(getattr(args, "log_level", "WARNING")), str(log_file))
    from center.dashboard.run import run_viewer, run_with_ingest

    try:
        result = run_viewer(cfg, sections) if getattr(args, "view", False) \
            else run_with_ingest(cfg, sections)
    except StoreUnavailable as exc:
        return fail(str(exc), exc.reason)
    print(json.dumps({"center": cfg.instance, "status": "stopped", **result},
                     ensure_ascii=False))
    return 0


def _headless(cfg: Any, sections: Any) -> int:
    from dataclasses import asdict

    from center.service import CenterService
    from infra.lifecycle import run_until_signalled

    service = CenterService(cfg, sections)
    service.start()
    print(json.dumps({"center": cfg.instance, "status": "running",
                      "store": cfg.store.where(),
                      "report_at": sections.report.at}, ensure_ascii=False), flush=True)
    run_until_signalled()
    service.stop()
    print(json.dumps({"center": cfg.instance, "status": "stopped",
                      "stored_total": service.stored_total,
                      "reports_written": [str(p) for p in service.scheduler.written],
                      "alerts": service.watch.alert_counts, **asdict(service.ingest.counters)},
                     ensure_ascii=False))
    return 0


def _serve(args: argparse.Namespace) -> int:
    import shlex

    from chot.serve import serve_app

    command = f"{shlex.quote(sys.executable)} -m center.dashboard --config " \
              f"{shlex.quote(str(Path(str(config_path(args))).resolve()))}"
    return serve_app(command, args.host, args.port, "chốt — trung tâm tỉnh")
