"""`chot bench camera`: a live camera's decode loop, auto cascade on every frame vs LiveDecoder."""

from __future__ import annotations

import argparse
import json
from typing import Any

from chot.failure import said


def register(tree: Any) -> None:
    """Add `chot bench camera`."""
    parser = tree.command("camera", run_bench_camera,
                          said("help_bench_camera"),
                          group="bench")
    parser.add_argument("--presentations", type=int, default=20,
                        help="travellers holding a code up to the camera")
    parser.add_argument("--seed", type=int, default=1)


def run_bench_camera(args: argparse.Namespace) -> int:
    """Run the benchmark; the last stdout line is the JSON result."""
    from sim.bench.camera import run_bench

    if args.presentations < 1:
        print(json.dumps({"error": said("presentations_positive"),
                          "reason": "bad_argument"}, ensure_ascii=False))
        return 2
    result = run_bench(args.presentations, args.seed)
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["live"]["missed"] == 0 else 1
