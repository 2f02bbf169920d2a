"""`chot center`: ingest, dashboard and the provincial tools, one file per subcommand.

`run.py` runs the center itself (headless, dashboard, `--view`, `--serve`); `report.py`,
`arrivals.py` and `publish.py` are its subcommands; `options.py` reads what they share.
"""

from __future__ import annotations

import argparse
from typing import Any

from chot.commands.center import arrivals, publish, report, run
from chot.failure import said


def register(tree: Any) -> None:
    """Add `chot center` with its options and subcommands."""
    parser = tree.command("center", run.run_center,
                          said("help_center"))
    parser.add_argument("--config", help="center TOML file")
    parser.add_argument("--headless", action="store_true",
                        help="no dashboard: ingest, store, acknowledge, alert, report")
    parser.add_argument("--log-level", default="WARNING", help="DEBUG, INFO, WARNING, ERROR")
    add_center_arguments(parser)
    add_subcommands(parser.add_subparsers(dest="center_command", metavar="COMMAND"))


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
    report.add_parser(subparsers)
    arrivals.add_parser(subparsers)
    publish.add_parsers(subparsers)
