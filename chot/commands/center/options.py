"""What the `chot center` subcommands share: their --config, the day they ask about, and
where their answer goes (standard output, or a private file)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from chot.failure import fail, said


def config_option(parser: argparse.ArgumentParser) -> None:
    """Add --config to a subcommand."""
    # Its own dest: a subcommand default must not wipe `chot center --config F` given earlier.
    parser.add_argument("--config", dest="tool_config", help="center TOML file")


def config_path(args: argparse.Namespace) -> str | None:
    """The center TOML named after the subcommand or before it."""
    return getattr(args, "tool_config", None) or getattr(args, "config", None)


def load(args: argparse.Namespace, broker: bool = False) -> Any:
    """(cfg, sections) or an exit code after printing why.

    With `broker`, the broker's password and TLS files are tried too, as the MQTT client
    will read them: a missing file is a config mistake named now, not a traceback later from
    the service's threads.
    """
    from center.settings import load_center_config
    from infra.config import ConfigProblem
    from infra.mqtt import make_client

    path = config_path(args)
    if not path:
        return fail(said("config_missing"), "config_missing")
    try:
        loaded = load_center_config(path)
        if broker:
            make_client(loaded[0].broker, "chot-config-check")
            _check_folders(*loaded)
    except ConfigProblem as exc:
        return fail(str(exc), exc.reason)
    return loaded


def _check_folders(cfg: Any, sections: Any) -> None:
    # The reports are written at 16:00 and the ledger on publishing: a folder that cannot
    # be made is a config mistake to name at start, not a retry loop in the log.
    from center.files import private_folder
    from center.service import ledger_folder, report_folder
    from infra.config import ConfigProblem

    for key, folder in (("report.folder", report_folder(cfg, sections)),
                        ("publish.ledger", ledger_folder(cfg, sections))):
        try:
            private_folder(folder)
            if not folder.is_dir():
                raise NotADirectoryError(20, "not a folder")
        except OSError as exc:
            raise ConfigProblem(folder, f"{key}: {said('cannot_create_folder')}: "
                                f"{exc.strerror or exc}", "folder_unusable") from None


def load_for_day(args: argparse.Namespace) -> Any:
    """(cfg, sections, tz, day) for a subcommand about one local day, or an exit code."""
    from center.day import zone

    loaded = load(args)
    if isinstance(loaded, int):
        return loaded
    cfg, sections = loaded
    tz = zone(sections.report.timezone)
    day = local_day(args, tz)
    if isinstance(day, int):
        return day
    return cfg, sections, tz, day


def local_day(args: argparse.Namespace, tz: Any) -> Any:
    """The local day --date names, or an exit code after printing why."""
    from datetime import UTC, datetime

    from center.day import parse_day

    try:
        return parse_day(args.date, tz, datetime.now(UTC))
    except ValueError:
        return fail(f"{said('bad_date')}: {args.date!r} (YYYY-MM-DD)", "bad_date")


def emit(text: str, out: str | None, summary: dict[str, Any]) -> int:
    """Print text, or write it to `out` readable by this user only and print the summary."""
    from center.files import write_private

    if out is None:
        sys.stdout.write(text)
        return 0
    try:
        write_private(Path(out), text.encode("utf-8"))
    except OSError as exc:
        return fail(f"{said('cannot_write')} {out}: {exc.strerror or exc}",
                    "write_failed")
    print(json.dumps({**summary, "out": out}, ensure_ascii=False))
    return 0
