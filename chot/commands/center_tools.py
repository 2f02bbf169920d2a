"""`chot center report|arrivals|policy publish|trust publish`, the dashboard modes, and
`chot bench center`.

These join `chot center` (chot/commands/center.py) through `add_subcommands` and
`add_center_arguments`; `run_center` runs the center with its watch, headless or with the
dashboard (`--view` watches another instance's store, `--serve` serves it to browsers).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(tree: Any) -> None:
    """Add `chot bench center`; the `chot center` subcommands join through add_subcommands."""
    bench = tree.command("center", bench_center,
                         "đo chi phí kiểm tra của trung tâm / what the center's checks cost "
                         "ingest", group="bench")
    bench.add_argument("--events", type=int, default=20_000, help="events per run")


def bench_center(args: argparse.Namespace) -> int:
    """Drain the same events with ingest alone and with the whole center; print ratios."""
    from sim.bench.center import run_bench
    from sim.broker import BrokerUnavailable

    if args.events < 1:
        return _fail("--events phải dương / --events must be positive", "bad_argument")
    try:
        result = run_bench(args.events)
    except BrokerUnavailable as exc:
        return _fail(str(exc), "broker_unavailable")
    print(json.dumps(result, ensure_ascii=False))
    return 0


def add_center_arguments(parser: argparse.ArgumentParser) -> None:
    """The dashboard options of `chot center` itself."""
    parser.add_argument("--view", action="store_true",
                        help="dashboard only: watch the store and broker, ingest nothing")
    parser.add_argument("--serve", action="store_true",
                        help="serve viewer dashboards to browsers (textual-serve)")
    parser.add_argument("--host", default="127.0.0.1", help="--serve: address to listen on")
    parser.add_argument("--port", type=int, default=8001, help="--serve: port to listen on")


def add_subcommands(subparsers: Any) -> None:
    """Add report, arrivals, policy publish and trust publish to `chot center`."""
    report_p = subparsers.add_parser(
        "report", help="báo cáo ngày / daily report",
        description="báo cáo ngày theo chốt và toàn tỉnh / daily report per post and province")
    _config_option(report_p)
    report_p.add_argument("--date", default="today",
                          help="YYYY-MM-DD, today or yesterday (local day)")
    report_p.add_argument("--format", choices=("csv", "html", "md", "json"), default="md")
    report_p.add_argument("--out", help="write to this file instead of standard output")
    report_p.set_defaults(handler=report)

    arrivals_p = subparsers.add_parser(
        "arrivals", help="danh sách người về phường / arrivals for one ward",
        description="người được báo về một phường/xã trong ngày / a ward's arrivals of a day")
    _config_option(arrivals_p)
    arrivals_p.add_argument("--ward", required=True, help="official ward code, e.g. 03127")
    arrivals_p.add_argument("--date", default="today",
                            help="YYYY-MM-DD, today or yesterday (local day)")
    arrivals_p.add_argument("--csv", action="store_true", help="CSV instead of JSON")
    arrivals_p.add_argument("--out", help="write to this file instead of standard output")
    arrivals_p.set_defaults(handler=arrivals)

    for kind, vi in (("policy", "chính sách"), ("trust", "danh sách đơn vị cấp tin cậy")):
        group = subparsers.add_parser(kind, help=f"phát hành {vi} / publish the {kind}")
        group.set_defaults(handler=_usage(group))
        actions = group.add_subparsers(dest=f"{kind}_command", metavar="COMMAND")
        publish_p = actions.add_parser(
            "publish", help=f"ký và phát hành {vi} / sign and publish the {kind}",
            description=f"ký và phát hành {vi} (giữ lại, phiên bản tăng dần) / sign and "
                        f"publish the {kind} retained, with the next version")
        _config_option(publish_p)
        publish_p.add_argument("file", help=f"{kind} JSON file")
        publish_p.add_argument("--key", help="center private key (default: [publish] key)")
        publish_p.set_defaults(handler=publish_policy if kind == "policy" else publish_trust)


def _config_option(parser: argparse.ArgumentParser) -> None:
    # Its own dest: a subcommand default must not wipe `chot center --config F` given earlier.
    parser.add_argument("--config", dest="tool_config", help="center TOML file")


def _usage(parser: argparse.ArgumentParser) -> Any:
    def show(_args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2
    return show


def _fail(message: str, reason: str) -> int:
    print(json.dumps({"error": message, "reason": reason}, ensure_ascii=False))
    return 2


def _load(args: argparse.Namespace) -> Any:
    """(cfg, sections) or an exit code after printing why."""
    from center.settings import load_center_config
    from gateway.config import ConfigProblem

    path = getattr(args, "tool_config", None) or getattr(args, "config", None)
    if not path:
        return _fail("Thiếu --config / --config is required", "config_missing")
    try:
        return load_center_config(path)
    except ConfigProblem as exc:
        return _fail(str(exc), exc.reason)


def _day(args: argparse.Namespace, tz: Any) -> Any:
    from datetime import UTC, datetime

    from center.day import parse_day

    try:
        return parse_day(args.date, tz, datetime.now(UTC))
    except ValueError:
        return _fail(f"Ngày không hợp lệ / bad --date: {args.date!r} (YYYY-MM-DD)", "bad_date")


def _emit(text: str, out: str | None, summary: dict[str, Any]) -> int:
    if out is None:
        sys.stdout.write(text)
        return 0
    try:
        Path(out).write_text(text, "utf-8")
    except OSError as exc:
        return _fail(f"Không ghi được / cannot write {out}: {exc}", "write_failed")
    print(json.dumps({**summary, "out": out}, ensure_ascii=False))
    return 0


def report(args: argparse.Namespace) -> int:
    """Print (or write) the daily report of a local day."""
    from datetime import UTC, datetime

    from center.day import zone
    from center.link_log import LinkLog
    from center.queries import daily_report
    from center.report_formats import FORMATS
    from center.store import Store
    from center.stores import StoreUnavailable

    loaded = _load(args)
    if isinstance(loaded, int):
        return loaded
    cfg, sections = loaded
    tz = zone(sections.report.timezone)
    day = _day(args, tz)
    if isinstance(day, int):
        return day
    try:
        store, links = Store(cfg.store), LinkLog(cfg.store)
    except StoreUnavailable as exc:
        return _fail(str(exc), exc.reason)
    try:
        result = daily_report(store, links, cfg.province, day, tz, datetime.now(UTC),
                              sections.alerts.known_posts)
    finally:
        links.close()
        store.close()
    text = json.dumps(result.to_json(), ensure_ascii=False) + "\n" if args.format == "json" \
        else FORMATS[args.format](result)
    return _emit(text, args.out, {"day": day.isoformat(), "format": args.format,
                                  **result.province_totals.to_json()})


def arrivals(args: argparse.Namespace) -> int:
    """Print (or write) one ward's arrivals of a local day, as CSV or JSON."""
    import csv
    import io

    from center.arrivals import EXPORT_COLUMNS, export_row
    from center.day import zone
    from center.queries import ward_arrivals
    from center.store import Store
    from center.stores import StoreUnavailable
    from screening.places import normalize_ward, ward_info

    loaded = _load(args)
    if isinstance(loaded, int):
        return loaded
    cfg, sections = loaded
    ward = normalize_ward(args.ward.strip())
    if ward_info(ward) is None:
        return _fail(f"Mã phường/xã không tồn tại / unknown ward code: {args.ward!r}",
                     "unknown_ward")
    tz = zone(sections.report.timezone)
    day = _day(args, tz)
    if isinstance(day, int):
        return day
    try:
        store = Store(cfg.store)
    except StoreUnavailable as exc:
        return _fail(str(exc), exc.reason)
    try:
        found = ward_arrivals(store, ward, day, tz)
    finally:
        store.close()
    summary = {"ward": ward, "ward_name": ward_info(ward)[0],  # type: ignore[index]
               "date": day.isoformat(), "arrivals": len(found)}
    if args.csv:
        out = io.StringIO()
        writer = csv.DictWriter(out, EXPORT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(export_row(a, tz) for a in found)
        return _emit(out.getvalue(), args.out, summary)
    text = json.dumps({**summary, "items": [a.to_json() for a in found]},
                      ensure_ascii=False) + "\n"
    return _emit(text, args.out, summary)


def publish_policy(args: argparse.Namespace) -> int:
    """Sign FILE's policy with the next version and publish it retained."""
    return _publish(args, "policy")


def publish_trust(args: argparse.Namespace) -> int:
    """Sign FILE's trust list with the next version and publish it retained."""
    return _publish(args, "trust")


def _publish(args: argparse.Namespace, kind: str) -> int:
    from datetime import UTC, datetime

    from center.publish import (
        Ledger,
        PublishProblem,
        policy_document,
        publish_document,
        trust_document,
    )
    from center.service import ledger_folder
    from screening.files import FileProblem, read_json, read_signing_key

    loaded = _load(args)
    if isinstance(loaded, int):
        return loaded
    cfg, sections = loaded
    key_path = args.key or sections.publish.key
    if key_path is None:
        return _fail("Thiếu khoá ký: --key hoặc [publish] key / no signing key: --key or "
                     "[publish] key", "key_missing")
    try:
        key = read_signing_key(key_path)
        data = read_json(args.file)
        if kind == "policy":
            body = policy_document(data)
            if body["province"] != cfg.province:
                return _fail(f"Chính sách của tỉnh {body['province']}, trung tâm của tỉnh "
                             f"{cfg.province} / policy is for province {body['province']}, "
                             f"this center is {cfg.province}", "wrong_province")
        else:
            body = trust_document(data, Path(args.file).resolve().parent)
        done = publish_document(cfg.broker, cfg.province, kind, body, key,
                                Ledger(ledger_folder(cfg, sections)), datetime.now(UTC))
    except FileProblem as exc:
        return _fail(f"Tệp không dùng được / file not usable: {exc}", "file_invalid")
    except PublishProblem as exc:
        return _fail(str(exc), exc.reason)
    print(json.dumps({"kind": done.kind, "version": done.version, "topic": done.topic,
                      "kid": key.kid.hex(), "issued_at": done.envelope["issued_at"]},
                     ensure_ascii=False))
    return 0


def run_center(args: argparse.Namespace) -> int:
    """`chot center --config F [--headless|--view|--serve]`: the center with its watch."""
    import logging

    from center.stores import StoreUnavailable

    loaded = _load(args)
    if isinstance(loaded, int):
        return loaded
    cfg, sections = loaded
    if getattr(args, "serve", False):
        return _serve(args)
    if getattr(args, "headless", False):
        logging.basicConfig(level=str(getattr(args, "log_level", "WARNING")).upper(),
                            format="%(asctime)s %(name)s %(message)s")
        try:
            return _headless(cfg, sections)
        except StoreUnavailable as exc:
            return _fail(str(exc), exc.reason)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return _fail("Bảng điều khiển cần một terminal: dùng --headless hoặc --serve / the "
                     "dashboard needs a terminal: use --headless or --serve", "no_terminal")
    # The terminal belongs to the dashboard: log to a file beside the store instead.
    from center.files import private_file

    log_file = private_file(cfg.store.files_folder() / "center.log")  # may quote travellers' data
    logging.basicConfig(filename=str(log_file),
                        level=str(getattr(args, "log_level", "WARNING")).upper(),
                        format="%(asctime)s %(name)s %(message)s")
    from center.dashboard.run import run_viewer, run_with_ingest

    try:
        result = run_viewer(cfg, sections) if getattr(args, "view", False) \
            else run_with_ingest(cfg, sections)
    except StoreUnavailable as exc:
        return _fail(str(exc), exc.reason)
    print(json.dumps({"center": cfg.instance, "status": "stopped", **result},
                     ensure_ascii=False))
    return 0


def _headless(cfg: Any, sections: Any) -> int:
    from dataclasses import asdict

    from center.service import CenterService
    from gateway.lifecycle import run_until_signalled

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

    from textual_serve.server import Server

    config = getattr(args, "tool_config", None) or args.config
    command = f"{shlex.quote(sys.executable)} -m center.dashboard --config " \
              f"{shlex.quote(str(Path(config).resolve()))}"
    Server(command, host=args.host, port=args.port, title="chốt — trung tâm tỉnh").serve()
    return 0
