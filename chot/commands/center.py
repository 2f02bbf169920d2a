"""`chot center`: ingest, dashboard and the provincial tools (report, arrivals, publishing).

`chot center --config F --headless` runs ingest with checks, alerts, arrival notices and the
report scheduler; without --headless it opens the dashboard (`--view` watches only, `--serve`
serves it to browsers). The subcommands live in center_tools.py.
"""

from __future__ import annotations

from typing import Any

from chot.commands import center_tools


def register(tree: Any) -> None:
    """Add `chot center` with its options and subcommands."""
    parser = tree.command("center", center_tools.run_center,
                          "trung tâm tỉnh: nhận sự kiện, bảng điều khiển, báo cáo / "
                          "provincial center: ingest, dashboard, reports")
    parser.add_argument("--config", help="center TOML file")
    parser.add_argument("--headless", action="store_true",
                        help="no dashboard: ingest, store, acknowledge, alert, report")
    parser.add_argument("--log-level", default="WARNING", help="DEBUG, INFO, WARNING, ERROR")
    center_tools.add_center_arguments(parser)
    center_tools.add_subcommands(parser.add_subparsers(dest="center_command", metavar="COMMAND"))
