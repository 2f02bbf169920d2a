"""`chot sim device KIND`: a virtual serial device on a pty, printing the path to open."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chot.cli import CommandTree


def register(tree: CommandTree) -> None:
    """Add `chot sim device` with one sub-command per kind of device."""
    device = tree.command("device", _usage, "thiết bị ảo trên pty / a virtual device on a pty",
                          group="sim")
    kinds = device.add_subparsers(dest="device_kind", metavar="DEVICE")
    _register_thermometer(kinds)


def _usage(args: argparse.Namespace) -> int:
    print("Chọn thiết bị / choose a device: chot sim device thermometer", file=sys.stderr)
    return 2


def _register_thermometer(kinds: Any) -> None:
    help_text = ("nút đo nhiệt chạy firmware thật / thermometer node running the real "
                 "firmware, until stopped")
    parser = kinds.add_parser("thermometer", help=help_text, description=help_text)
    parser.set_defaults(handler=run_thermometer)
    parser.add_argument("--link", help="also make this symlink to the pty (kept across replugs)")
    parser.add_argument("--object-c", type=float, default=36.6,
                        help="forehead temperature the sensor sees (default 36.6)")
    parser.add_argument("--ambient-c", type=float, default=28.0, help="ambient (default 28)")
    parser.add_argument("--distance-mm", type=int, default=45,
                        help="distance of the forehead; 0 for nobody (default 45)")
    parser.add_argument("--duration", type=float, default=None,
                        help="stop after this many seconds (default: until Ctrl-C/SIGTERM)")


def run_thermometer(args: argparse.Namespace) -> int:
    """Run the simulated node; the first stdout line is the port path, the last a JSON
    summary."""
    import signal
    import threading

    from sim.thermometer_node import SimulatedThermometer

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    node = SimulatedThermometer(link_path=args.link, object_c=args.object_c,
                                ambient_c=args.ambient_c,
                                target_mm=args.distance_mm or None)
    try:
        node.start()
    except OSError as exc:
        print(f"Không tạo được thiết bị ảo / could not create the virtual device: {exc}",
              file=sys.stderr)
        return 1
    print(node.port_path, flush=True)
    try:
        stop.wait(args.duration)
    except KeyboardInterrupt:
        pass
    finally:
        port = node.port
        summary = {"port": node.port_path, "pty": node.pty_name, "boots": node.boots,
                   "bytes_written": port.bytes_written if port else 0}
        node.stop()
    print(json.dumps(summary, ensure_ascii=False))
    return 0
