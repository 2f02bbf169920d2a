"""`chot gateway --config F`: the post's durable relay to the provincial broker."""

from __future__ import annotations

import argparse
import json
from typing import Any

from chot.center_keys import read_center_keys
from chot.failure import fail, said
from chot.logs import configure_logging


def register(tree: Any) -> None:
    """Add `chot gateway`."""
    parser = tree.command("gateway", run_gateway,
                          said("help_gateway"))
    parser.add_argument("--config", required=True, help="gateway TOML file")
    parser.add_argument("--log-level", default="WARNING", help="DEBUG, INFO, WARNING, ERROR")


def run_gateway(args: argparse.Namespace) -> int:
    """Run the relay until SIGTERM/SIGINT; prints its final state as JSON."""
    from gateway.config import GatewayConfig
    from gateway.relay import Gateway
    from infra.config import ConfigProblem, load_config
    from infra.lifecycle import run_until_signalled

    configure_logging(args.log_level)
    try:
        cfg = load_config(args.config, GatewayConfig)
    except ConfigProblem as exc:
        return fail(str(exc), exc.reason)
    keys = read_center_keys(cfg.center_keys)
    if isinstance(keys, int):
        return keys
    try:
        # Opens the outbox and reads password and TLS files: their mistakes are config ones.
        gateway = Gateway(cfg, keys)
    except ConfigProblem as exc:
        return fail(str(exc), exc.reason)
    gateway.start()
    print(json.dumps({"gateway": cfg.post, "status": "running", "outbox": str(cfg.outbox.path)},
                     ensure_ascii=False), flush=True)
    run_until_signalled()
    state = gateway.state()
    gateway.stop()
    print(json.dumps({"gateway": cfg.post, "status": "stopped", **state}, ensure_ascii=False))
    return 0
