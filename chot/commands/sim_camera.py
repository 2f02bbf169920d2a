"""`chot sim camera`: a virtual kiosk camera served as MJPEG on loopback (URL printed)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from chot.failure import said

if TYPE_CHECKING:
    from chot.cli import CommandTree


def register(tree: CommandTree) -> None:
    """Add `chot sim camera`."""
    parser = tree.command(
        "camera", run, said("help_sim_camera"),
        group="sim")
    parser.add_argument("--port", type=int, default=0, help="TCP port (default: a free one)")
    parser.add_argument("--size", default="1280x720", help="frame size WxH (default 1280x720)")
    parser.add_argument("--fps", type=float, default=30.0, help="frames per second (default 30)")
    parser.add_argument("--text", action="append",
                        help="code text to present (repeatable); default: generated travellers' "
                             "signed declarations and CCCD cards")
    parser.add_argument("--every", type=float, default=4.0,
                        help="seconds between travellers (default 4)")
    parser.add_argument("--calm", action="store_true",
                        help="good light, no glare, no tilt, no thumb")
    parser.add_argument("--duration", type=float, default=None,
                        help="stop after this many seconds (default: until Ctrl-C/SIGTERM)")
    parser.add_argument("--seed", type=int, default=1, help="seed for travellers and looks")


def run(args: argparse.Namespace) -> int:
    """Serve until stopped; the first stdout line is the stream URL, the last a JSON summary."""
    import signal
    import threading
    import time
    from datetime import UTC, datetime
    from itertools import count

    from screening.default_policy import default_policy
    from sim.camera import MjpegServer, VirtualCamera
    from sim.travellers import Issuers, Kind, Mix, Origin, TravellerFactory

    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
        if width < 160 or height < 120 or args.fps <= 0 or args.every <= 0:
            raise ValueError
    except ValueError:
        print(json.dumps({"error": said("bad_size_fps"), "reason": "bad_argument"},
                         ensure_ascii=False))
        return 2
    camera = VirtualCamera(width, height, args.fps, seed=args.seed, harsh=not args.calm)
    try:
        server = MjpegServer(camera, port=args.port).start()
    except OSError as exc:
        print(json.dumps({"error": f"{said('cannot_listen_port')}: {exc}",
                          "reason": "port_unavailable"}, ensure_ascii=False))
        return 2
    factory = TravellerFactory(
        default_policy(), Mix(kinds={Kind.DECLARATION: 3, Kind.PAPER: 1, Kind.CCCD: 1},
                              origins={Origin.IN_PROVINCE: 2, Origin.OUT_OF_PROVINCE: 1}),
        Issuers.generate(), seed=args.seed)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(server.url, flush=True)
    deadline = None if args.duration is None else time.monotonic() + args.duration
    shown = 0
    try:
        for index in count():
            if args.text:
                text, on_paper = args.text[index % len(args.text)], False
            else:
                traveller = factory.next(datetime.now(UTC))
                text, on_paper = traveller.code or "", traveller.on_paper
            if text:
                camera.present(text, on_paper)
                shown += 1
            wait = args.every if deadline is None else min(args.every,
                                                           deadline - time.monotonic())
            if wait <= 0 or stop.wait(wait):
                break
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    print(json.dumps({"url": server.url, "presented": shown,
                      "frames": server.frames_rendered}, ensure_ascii=False))
    return 0
