"""`chot sim run SCENARIO.toml [--report F] [--duration S]`: a scripted run, checked."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from chot.failure import said

if TYPE_CHECKING:
    from chot.cli import CommandTree


def register(tree: CommandTree) -> None:
    """Add `chot sim run`."""
    parser = tree.command(
        "run", run, said("help_sim_run"), group="sim")
    parser.add_argument("scenario", help="scenario TOML file, or the name of a shipped one "
                                         "(quiet-venue, highway-rush-hour, border-uplink-cut, "
                                         "sensor-unplugged)")
    parser.add_argument("--report", help="also write the report JSON to this file")
    parser.add_argument("--duration", type=float, default=None,
                        help="shorten the timeline to this many seconds (faults and rate "
                             "changes scaled, rates per minute kept)")
    parser.add_argument("--camera-size", default="1280x720",
                        help="virtual camera frame size WxH (default 1280x720)")
    parser.add_argument("--decode-engine", default="zxing", choices=["zxing", "auto", "zbar"],
                        help="decoder of the camera kiosks (default zxing: one fast pass per "
                             "frame; auto's deblurring cascade costs ~100 ms per frame without "
                             "a readable code)")
    parser.add_argument("--workdir", help="keep the run's files (configs, journals, logs) here")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


def run(args: argparse.Namespace) -> int:
    """Run the scenario; the last stdout line is the report; exit 1 if anything was wrong."""
    from pathlib import Path

    from sim.components import stop_children_on_hangup
    from sim.rigs import RunOptions
    from sim.runner import run_scenario
    from sim.scenario import ScenarioProblem, load_scenario

    try:
        scenario = load_scenario(args.scenario)
        width, height = (int(v) for v in args.camera_size.lower().split("x"))
    except ScenarioProblem as exc:
        _print({"error": str(exc), "reason": exc.reason})
        return 2
    except ValueError:
        _print({"error": said("bad_camera_size"),
                "reason": "bad_camera_size"})
        return 2
    options = RunOptions(duration_s=args.duration, camera_width=width, camera_height=height,
                         decode_engine=args.decode_engine,
                         workdir=Path(args.workdir) if args.workdir else None,
                         keep=bool(args.workdir))
    log = (lambda _m: None) if args.quiet else (lambda m: print(m, file=sys.stderr, flush=True))
    stop_children_on_hangup()
    try:
        report = run_scenario(scenario, options, log)
    except (OSError, RuntimeError) as exc:
        _print({"error": f"{said('run_failed')}: {exc}",
                "reason": "run_failed"})
        return 2
    line = report.to_json()
    if args.report:
        Path(args.report).write_text(json.dumps(line, ensure_ascii=False, indent=2) + "\n",
                                     encoding="utf-8")
    _print(line)
    return 0 if report.ok else 1


def _print(record: dict[str, object]) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)
