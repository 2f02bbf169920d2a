"""`chot bench camera`: a live camera's decode loop, the slow cascade on every frame vs LiveDecoder.

The virtual camera plays travellers holding codes up (moving in, held still, taken away) at
30 fps through JPEG, as an IP camera delivers them. One decode thread on one core is modelled
faithfully: it takes the newest frame, spends the CPU the decode really costs (measured with
`time.process_time`), and meanwhile frames arrive and are dropped. A code counts from the
moment it is held still to the end of the decode that read it. Both decoders see the same
frames in the same run: the baseline is what the kiosk did before (`decode_frame` with the
auto cascade on every frame).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from hardware.decode import DecodedCode, decode_frame
from hardware.live_decode import LiveDecoder
from sim.camera import Presentation, VirtualCamera

FPS = 30.0
GAP_S = 1.5  # an empty scene between travellers, as the queue moves up


@dataclass(frozen=True)
class Shown:
    """One code held up: its text and when it was held still (camera clock)."""

    text: str
    steady_at: float


def play(presentations: int, seed: int) -> tuple[list[np.ndarray], list[Shown]]:
    """Every frame of the session (through JPEG) and the codes shown in it."""
    clock = [0.0]
    camera = VirtualCamera(seed=seed, clock=lambda: clock[0])
    shown = []
    start = 1.0
    for index in range(presentations):
        clock[0] = start
        text = f"KB1:BENCH{seed:04d}{index:04d}" + "CHOTKIEMSOAT" * 20
        presentation: Presentation = camera.present(text, on_paper=bool(index % 3 == 2))
        shown.append(Shown(text, presentation.steady_at))
        start = presentation.end + GAP_S
    frames = []
    for number in range(int(start * FPS)):
        clock[0] = number / FPS
        ok, jpeg = cv2.imencode(".jpg", camera.frame_at(clock[0]),
                                [cv2.IMWRITE_JPEG_QUALITY, 85])
        image = cv2.imdecode(jpeg, cv2.IMREAD_COLOR) if ok else None
        if image is not None:
            frames.append(image)
    return frames, shown


def run_loop(frames: list[np.ndarray], decode: Callable[[np.ndarray], list[DecodedCode]],
             camera_clock: list[float] | None = None) -> tuple[dict[str, float], float]:
    """When each text was first read by a single decode thread, and the CPU it spent.

    `camera_clock[0]` is set to each decoded frame's capture time (LiveDecoder's clock).
    """
    first: dict[str, float] = {}
    now, cpu = 0.0, 0.0
    while True:
        newest = int(now * FPS)  # frames captured while the last decode ran are dropped
        if newest >= len(frames):
            return first, cpu
        if camera_clock is not None:
            camera_clock[0] = newest / FPS
        began = time.process_time()
        codes = decode(frames[newest])
        spent = time.process_time() - began
        cpu += spent
        # The next frame is taken when this decode ends, or when the next one arrives.
        now = max(now + spent, (newest + 1) / FPS)
        for code in codes:
            if code.text is not None:
                first.setdefault(code.text, newest / FPS + spent)


def _figures(first: dict[str, float], cpu: float, shown: list[Shown],
             seconds: float) -> dict[str, Any]:
    read = [s for s in shown if s.text in first]
    # A code read while still moving in has no "held still → read" time: it is counted
    # apart, not as 0 ms, and the latencies are those of the codes read once still.
    early = [s for s in read if first[s.text] < s.steady_at]
    latencies = [(first[s.text] - s.steady_at) * 1000 for s in read if s not in early]
    return {"read": len(read), "missed": len(shown) - len(read),
            "read_before_still": len(early), "read_after_still": len(latencies),
            "p50_ms": round(float(np.percentile(latencies, 50)), 1) if latencies else None,
            "p95_ms": round(float(np.percentile(latencies, 95)), 1) if latencies else None,
            "cpu_per_video_s": round(cpu / seconds, 3)}


def run_bench(presentations: int = 20, seed: int = 1) -> dict[str, Any]:
    """Both decode loops over the same session; the JSON figures."""
    frames, shown = play(presentations, seed)
    seconds = len(frames) / FPS
    baseline = _figures(*run_loop(frames, lambda f: decode_frame(f, "auto")), shown, seconds)
    clock = [0.0]
    live = _figures(*run_loop(frames, LiveDecoder(clock=lambda: clock[0]).decode, clock),
                    shown, seconds)
    return {"presentations": presentations, "video_s": round(seconds, 1),
            "every_frame": baseline, "live": live,
            "cpu_ratio": round(baseline["cpu_per_video_s"] / live["cpu_per_video_s"], 1)
            if live["cpu_per_video_s"] else None}

