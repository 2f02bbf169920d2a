"""`python -m center.dashboard --config F`: one viewer dashboard (what --serve runs per browser)."""

from __future__ import annotations

import argparse
import json
import sys

from center.dashboard.run import run_viewer
from center.settings import load_center_config
from center.stores import StoreUnavailable
from infra.config import ConfigProblem


def main() -> int:
    """Run a viewer dashboard on a center config."""
    parser = argparse.ArgumentParser(prog="python -m center.dashboard")
    parser.add_argument("--config", required=True, help="center TOML file")
    args = parser.parse_args()
    try:
        cfg, sections = load_center_config(args.config)
    except ConfigProblem as exc:
        print(json.dumps({"error": str(exc), "reason": exc.reason}, ensure_ascii=False))
        return 2
    try:
        run_viewer(cfg, sections)
    except StoreUnavailable as exc:  # a browser session must get a message, not a traceback
        print(json.dumps({"error": str(exc), "reason": exc.reason}, ensure_ascii=False))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
