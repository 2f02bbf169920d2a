"""`chot sensor read --port P [--count N] [--json]`: readings from a thermometer node;
`chot sensor signal PATTERN --port P`: light its LED and sound its buzzer."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from chot.failure import said
from screening import words

if TYPE_CHECKING:
    from chot.cli import CommandTree



def register(tree: CommandTree) -> None:
    """Add `chot sensor read`."""
    tree.group("sensor", help=said("help_group_sensor"))
    read = tree.command("read", read_readings,
                        said("help_sensor_read"),
                        group="sensor")
    read.add_argument("--port", required=True,
                      help="serial device or pyserial URL; 'auto' finds the node by USB id")
    read.add_argument("--count", type=_positive, default=1, help="readings to take (default 1)")
    read.add_argument("--timeout", type=float, default=10.0,
                      help="give up after this many seconds (default 10)")
    read.add_argument("--calibration", type=float, default=0.0,
                      help="offset in °C added to the object temperature (default 0)")
    read.add_argument("--json", action="store_true", help="only the JSON line")
    signal = tree.command("signal", play_signal,
                          said("help_sensor_signal"),
                          group="sensor")
    signal.add_argument("pattern", choices=["green", "amber", "red", "off"],
                        help="green pass, amber check, red stop")
    signal.add_argument("--port", required=True,
                        help="serial device or pyserial URL; 'auto' finds the node by USB id")
    signal.add_argument("--timeout", type=float, default=5.0,
                        help="give up after this many seconds (default 5)")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def read_readings(args: argparse.Namespace) -> int:
    """Print up to --count distinct readings; the last stdout line is the JSON summary."""
    import time

    from pydantic import ValidationError

    from hardware.thermometer import ThermometerLink
    from hardware.thermometer_types import ThermometerConfig

    try:
        config = ThermometerConfig(port=None if args.port == "auto" else args.port,
                                   calibration_offset_c=args.calibration)
    except ValidationError as exc:
        print(f"{said('bad_argument')}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}",
              file=sys.stderr)
        return 2
    readings: list[dict[str, Any]] = []
    deadline = time.monotonic() + args.timeout
    with ThermometerLink(config) as link:
        if not link.wait_ready(timeout_s=args.timeout):
            return _fail(link.health(), args, readings)
        previous = None
        while len(readings) < args.count:
            remaining = deadline - time.monotonic()
            reading = link.wait_reading(previous, timeout_s=remaining) if remaining > 0 else None
            if reading is None:
                return _fail(link.health(), args, readings, reason="timeout")
            previous = reading
            readings.append(reading.as_json())
            if not args.json:
                print(f"{reading.object_c:.2f} °C (môi trường / ambient "
                      f"{reading.ambient_c:.2f} °C, {reading.distance_mm} mm, "
                      f"#{reading.seq})", flush=True)
    print(json.dumps({"readings": readings}, ensure_ascii=False))
    return 0


def play_signal(args: argparse.Namespace) -> int:
    """Play one pattern and wait for the node's acknowledgement; last line is JSON."""
    from hardware.thermometer import ThermometerLink
    from hardware.thermometer_types import ThermometerConfig

    config = ThermometerConfig(port=None if args.port == "auto" else args.port)
    with ThermometerLink(config) as link:
        if not link.wait_ready(timeout_s=args.timeout):
            return _fail(link.health(), args, None)
        if not link.signal(args.pattern, wait_s=min(args.timeout, 2.0)):
            return _fail(link.health(), args, None, reason="not_acknowledged")
    print(json.dumps({"pattern": args.pattern, "acknowledged": True}, ensure_ascii=False))
    return 0


def _fail(health: Any, args: argparse.Namespace, readings: list[dict[str, Any]] | None,
          reason: str | None = None) -> int:
    """Explain in both languages on stderr; the JSON line carries the reason code."""
    if reason is None:
        reason = {"disconnected": "port_unavailable",
                  "protocol_mismatch": "protocol_mismatch"}.get(health.state, "no_answer")
    identity = health.identity
    fields = {"port": args.port, "count": getattr(args, "count", 0),
              "got": len(readings or []),
              "timeout": args.timeout,
              "firmware": identity.firmware_version if identity else "?",
              "protocol": identity.protocol_version if identity else "?"}
    detail = f" ({health.port_error})" if reason == "port_unavailable" and health.port_error \
        else ""
    said = words.both(f"sensor.{reason}", **fields)
    print(f"{said['vi']} / {said['en']}{detail}", file=sys.stderr)
    result: dict[str, Any] = {"error": reason}
    if readings is not None:
        result = {"readings": readings, **result}
    else:
        result = {"pattern": args.pattern, "acknowledged": False, **result}
    print(json.dumps(result, ensure_ascii=False))
    return 1
