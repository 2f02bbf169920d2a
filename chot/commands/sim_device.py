"""`chot sim device KIND`: a virtual serial device on a pty, printing the path to open.

Each kind registers itself on the `device` sub-parsers (see _register_thermometer).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from chot.failure import said

if TYPE_CHECKING:
    from chot.cli import CommandTree


def register(tree: CommandTree) -> None:
    """Add `chot sim device` with one sub-command per kind of device."""
    device = tree.command("device", _usage, said("help_sim_device"),
                          group="sim")
    kinds = device.add_subparsers(dest="device_kind", metavar="DEVICE")
    _register_thermometer(kinds)
    _register_reader(kinds)


def _usage(args: argparse.Namespace) -> int:
    print(f"{said('choose_device')}: chot sim device thermometer|reader",
          file=sys.stderr)
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
    parser.add_argument("--flash", help="directory standing in for the board's flash, where "
                        "`chot firmware deploy` writes (default: a temporary one)")
    parser.add_argument("--on", choices=("cpython", "micropython"), default="cpython",
                        help="run the firmware on the CPython board model (default) or on "
                             "MicroPython 1.27 itself (WebAssembly port under Node.js; no "
                             "--flash maintenance REPL there)")
    parser.add_argument("--duration", type=float, default=None,
                        help="stop after this many seconds (default: until Ctrl-C/SIGTERM)")


def run_thermometer(args: argparse.Namespace) -> int:
    """Run the simulated node; the first stdout line is the port path, the last a JSON
    summary."""
    import signal
    import threading

    from sim.micropython_thermometer import MicroPythonThermometer
    from sim.thermometer_node import SimulatedThermometer

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    node: SimulatedThermometer | MicroPythonThermometer
    try:
        if args.on == "micropython":
            node = MicroPythonThermometer(link_path=args.link, object_c=args.object_c,
                                          ambient_c=args.ambient_c,
                                          target_mm=args.distance_mm or None)
        else:
            node = SimulatedThermometer(link_path=args.link, object_c=args.object_c,
                                        ambient_c=args.ambient_c,
                                        target_mm=args.distance_mm or None, flash_dir=args.flash)
        node.start()
    except (OSError, RuntimeError) as exc:
        print(f"{said('virtual_device_failed')}: {exc}",
              file=sys.stderr)
        return 1
    print(node.port_path, flush=True)
    try:
        stop.wait(args.duration)
    except KeyboardInterrupt:
        pass
    finally:
        port = getattr(node, "port", None)
        summary = {"port": node.port_path, "pty": node.pty_name, "boots": node.boots,
                   "on": args.on, "bytes_written": port.bytes_written if port else None}
        node.stop()
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def _register_reader(kinds: Any) -> None:
    help_text = ("đầu đọc QR kiểu GM65 / GM65-style QR reader module: each stdin line (or "
                 "--text) is sent as a scanned code")
    parser = kinds.add_parser("reader", help=help_text, description=help_text)
    parser.set_defaults(handler=run_reader)
    parser.add_argument("--link", help="also make this symlink to the pty")
    parser.add_argument("--baud", type=int, default=115200,
                        help="line rate the output is paced at (default 115200)")
    parser.add_argument("--text", action="append",
                        help="code to scan (repeatable); default: read codes from stdin")
    parser.add_argument("--every", type=float, default=2.0,
                        help="seconds between --text scans (default 2)")
    parser.add_argument("--duration", type=float, default=None,
                        help="stop after this many seconds (default: until stdin ends or "
                             "Ctrl-C/SIGTERM)")


def run_reader(args: argparse.Namespace) -> int:
    """Run the virtual reader; the first stdout line is the port path, the last a JSON summary."""
    import signal
    import threading
    import time

    from sim.qr_reader_device import QrReaderDevice

    if args.baud < 1200:
        print(json.dumps({"error": said("baud_too_low"),
                          "reason": "bad_argument"}, ensure_ascii=False))
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        device = QrReaderDevice(baud=args.baud, link=args.link)
    except OSError as exc:
        print(f"{said('virtual_device_failed')}: {exc}",
              file=sys.stderr)
        return 1
    print(device.port, flush=True)
    deadline = None if args.duration is None else time.monotonic() + args.duration
    scans = 0
    try:
        if args.text:
            while deadline is None or time.monotonic() < deadline:
                device.scan(args.text[scans % len(args.text)])
                scans += 1
                if stop.wait(args.every):
                    break
        else:
            for line in sys.stdin:
                if line.strip():
                    device.scan(line.rstrip("\r\n"))
                    scans += 1
                if stop.is_set() or (deadline is not None and time.monotonic() >= deadline):
                    break
    except KeyboardInterrupt:
        pass
    finally:
        summary = {"port": device.port, "pty": device.path, "scans": scans,
                   "commands": device.commands_seen}
        device.close()
    print(json.dumps(summary, ensure_ascii=False))
    return 0
