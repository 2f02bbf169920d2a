"""`chot kiosk`: the staff UI (terminal, or browser with --serve); `chot bench kiosk`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from typing import Any

from chot.failure import complain, reason_of, said
from chot.logs import PrivateTracebacks


def register(tree: Any) -> None:
    """Add `chot kiosk` and `chot bench kiosk`."""
    parser = tree.command("kiosk", kiosk, said("help_kiosk"))
    parser.add_argument("--config", required=True, help="kiosk TOML file")
    parser.add_argument("--serve", action="store_true",
                        help="serve the UI to a browser (textual-serve) instead of this terminal")
    parser.add_argument("--host", default="127.0.0.1", help="--serve: address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="--serve: port to listen on")
    parser.add_argument("--syslog", default="/dev/log", metavar="SOCKET",
                        help="where the log goes while the UI has the terminal: this syslog "
                             "socket (default /dev/log, read by the journal), if it exists")
    bench = tree.command("kiosk", bench_kiosk,
                         said("help_bench_kiosk"),
                         group="bench")
    bench.add_argument("--scans", type=int, default=200, help="codes to scan (default 200)")
    bench.add_argument("--journal", choices=("sqlite", "memory"), default="sqlite",
                       help="commit to a real SQLite journal (default) or memory")


def kiosk(args: argparse.Namespace) -> int:
    """Validate the config, open devices, run the UI until staff quit (Ctrl+Q)."""
    from kiosk_ui.config import ConfigProblem, load_config

    try:
        config = load_config(args.config)
    except ConfigProblem as exc:
        return complain(f"{said('bad_config')}: {exc}", reason_of(exc, "config_invalid"))
    if args.serve:
        return _serve(args)
    from kiosk_ui.start import start_kiosk
    from screening.files import FileProblem

    try:
        kiosk = start_kiosk(config)
    except (FileProblem, OSError, ValueError) as exc:
        return complain(f"{said('cannot_start')}: {exc}",
                        reason_of(exc, "start_failed"))
    if _log_to_syslog(args.syslog):
        logging.getLogger("chot.kiosk").info("kiosk %s/%s started", config.post, config.kiosk)
    try:
        kiosk.app.run()
    finally:
        kiosk.stop()
    return 0


def _log_to_syslog(socket_path: str) -> bool:
    """Send the log to the syslog socket, if there is one: Textual draws on stdout and stderr,
    so a log written there would be lost under the UI (or, in a unit, take its place)."""
    import logging.handlers
    import stat

    try:
        if not stat.S_ISSOCK(os.stat(socket_path).st_mode):
            return False
        handler = logging.handlers.SysLogHandler(
            address=socket_path, facility=logging.handlers.SysLogHandler.LOG_DAEMON)
    except OSError:
        return False
    handler.setFormatter(PrivateTracebacks("chot-kiosk: %(name)s %(levelname)s %(message)s"))
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)
    return True


def _serve(args: argparse.Namespace) -> int:
    import shlex

    from chot.serve import serve_app

    command = shlex.join([sys.executable, "-m", "chot", "kiosk", "--config", args.config])
    return serve_app(command, args.host, args.port, "chốt kiosk")


def bench_kiosk(args: argparse.Namespace) -> int:
    """Scan sample codes through the real app; print scan-to-verdict p50/p95 as JSON."""
    import asyncio

    from kiosk_ui.bench import measure_process, run_bench

    result = asyncio.run(run_bench(args.scans, args.journal))
    result.update(measure_process())
    for key, value in result.items():
        print(f"{key:>28}: {value}", file=sys.stderr)
    print(json.dumps(result, ensure_ascii=False))
    return 0
