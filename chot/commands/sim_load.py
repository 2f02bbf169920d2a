"""`chot sim load --config F --events N --rate R`: scan events through a kiosk's real journal."""

from __future__ import annotations

import argparse
import json
from typing import Any

from chot.center_keys import read_center_keys
from chot.failure import fail, said


def register(tree: Any) -> None:
    """Add `chot sim load`."""
    parser = tree.command("load", run_sim_load,
                          said("help_sim_load"), group="sim")
    parser.add_argument("--config", required=True, help="kiosk link TOML file")
    parser.add_argument("--events", type=int, required=True, help="how many events to record")
    parser.add_argument("--rate", type=float, default=100.0,
                        help="events per second (0: as fast as possible)")
    parser.add_argument("--wait", type=float, default=60.0,
                        help="seconds to wait for the center's acks after the last event")


def run_sim_load(args: argparse.Namespace) -> int:
    """Record the events, wait for acks, print one JSON line; exit 1 if some are unacked."""
    import threading

    from infra.config import ConfigProblem, load_config
    from infra.lifecycle import run_until_signalled
    from kiosk_ui.link_config import KioskLinkConfig
    from sim.load import LoadResult, load_through_link

    if args.events < 0 or args.rate < 0:
        return fail(said("events_rate_non_negative"), "bad_argument")
    try:
        cfg = load_config(args.config, KioskLinkConfig)
    except ConfigProblem as exc:
        return fail(str(exc), exc.reason)
    # The link checks the policy and trust documents it is sent with these keys.
    keys = read_center_keys(cfg.center_keys)
    if isinstance(keys, int):
        return keys
    stop = threading.Event()
    results: list[LoadResult | ConfigProblem] = []

    def work() -> None:
        try:
            results.append(load_through_link(cfg, args.events, args.rate, args.wait,
                                             stop.is_set, center_keys=keys))
        except ConfigProblem as exc:  # journal path, password or TLS files, found on opening
            results.append(exc)

    worker = threading.Thread(target=work, name="sim-load")
    worker.start()
    run_until_signalled(stop, until=lambda: not worker.is_alive())
    stop.set()
    worker.join()
    result = results[0]
    if isinstance(result, ConfigProblem):
        return fail(str(result), result.reason)
    print(json.dumps({"kiosk": cfg.kiosk, **result.to_json()}, ensure_ascii=False))
    return 0 if result.acked == result.recorded else 1
