"""`chot center report`: the daily report of a local day, per post and for the province."""

from __future__ import annotations

import argparse
import json
from typing import Any

from chot.commands.center.options import config_option, emit, load_for_day
from chot.failure import fail, said


def add_parser(subparsers: Any) -> None:
    """Add `report` to `chot center`."""
    parser = subparsers.add_parser(
        "report", help=said("help_center_report"),
        description=said("about_center_report"))
    config_option(parser)
    parser.add_argument("--date", default="today",
                        help="YYYY-MM-DD, today or yesterday (local day)")
    parser.add_argument("--format", choices=("csv", "html", "md", "json"), default="md")
    parser.add_argument("--out", help="write to this file instead of standard output")
    parser.set_defaults(handler=report)


def report(args: argparse.Namespace) -> int:
    """Print (or write) the daily report of a local day."""
    from datetime import UTC, datetime

    from center.link_log import LinkLog
    from center.queries import daily_report
    from center.report_formats import FORMATS
    from center.store import Store
    from center.stores import StoreUnavailable

    loaded = load_for_day(args)
    if isinstance(loaded, int):
        return loaded
    cfg, sections, tz, day = loaded
    try:
        store, links = Store(cfg.store), LinkLog(cfg.store)
    except StoreUnavailable as exc:
        return fail(str(exc), exc.reason)
    try:
        result = daily_report(store, links, cfg.province, day, tz, datetime.now(UTC),
                              sections.alerts.known_posts)
    finally:
        links.close()
        store.close()
    text = json.dumps(result.to_json(), ensure_ascii=False) + "\n" if args.format == "json" \
        else FORMATS[args.format](result)
    return emit(text, args.out, {"day": day.isoformat(), "format": args.format,
                                 **result.province_totals.to_json()})
