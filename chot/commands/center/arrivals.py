"""`chot center arrivals`: one ward's arrivals of a local day, as JSON or CSV."""

from __future__ import annotations

import argparse
import json
from typing import Any

from chot.commands.center.options import config_option, emit, load_for_day
from chot.failure import fail, said


def add_parser(subparsers: Any) -> None:
    """Add `arrivals` to `chot center`."""
    parser = subparsers.add_parser(
        "arrivals", help=said("help_center_arrivals"),
        description=said("about_center_arrivals"))
    config_option(parser)
    parser.add_argument("--ward", required=True, help="official ward code, e.g. 03127")
    parser.add_argument("--date", default="today",
                        help="YYYY-MM-DD, today or yesterday (local day)")
    parser.add_argument("--csv", action="store_true", help="CSV instead of JSON")
    parser.add_argument("--out", help="write to this file instead of standard output")
    parser.set_defaults(handler=arrivals)


def arrivals(args: argparse.Namespace) -> int:
    """Print (or write) one ward's arrivals of a local day, as CSV or JSON."""
    from center.arrivals import export_csv
    from center.queries import ward_arrivals
    from center.store import Store
    from center.stores import StoreUnavailable
    from screening.places import normalize_ward, ward_info

    ward = normalize_ward(args.ward.strip())
    if ward_info(ward) is None:
        return fail(f"{said('unknown_ward')}: {args.ward!r}",
                    "unknown_ward")
    loaded = load_for_day(args)
    if isinstance(loaded, int):
        return loaded
    cfg, _sections, tz, day = loaded
    try:
        store = Store(cfg.store)
    except StoreUnavailable as exc:
        return fail(str(exc), exc.reason)
    try:
        found = ward_arrivals(store, ward, day, tz)
    finally:
        store.close()
    summary = {"ward": ward, "ward_name": ward_info(ward)[0],  # type: ignore[index]
               "date": day.isoformat(), "arrivals": len(found)}
    if args.csv:
        return emit(export_csv(found, tz), args.out, summary)
    text = json.dumps({**summary, "items": [a.to_json() for a in found]},
                      ensure_ascii=False) + "\n"
    return emit(text, args.out, summary)
