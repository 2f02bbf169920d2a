"""`chot bench decode`: decode every image of a corpus and count ok / wrong / missed, timed.

Layout: `NAME.png|.jpg|.jpeg|.webp` with the exact expected text in `NAME.txt` (UTF-8; CRLF is
compared as LF; `*.metadata.txt` files are notes, not answers). An image is `ok` when one of its
decoded texts equals the expected text, `wrong` when only other texts came back, `missed`
otherwise. Baselines run in the same pass, image by image, so timing drift hits all alike.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import zxingcpp
from pyzbar import pyzbar

from hardware.decode import FrameError, decode_frame, to_gray

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
Reader = Callable[[np.ndarray], list[str]]


def _engine_reader(engine: str) -> Reader:
    def read(frame: np.ndarray) -> list[str]:
        return [code.text for code in decode_frame(frame, engine) if code.text is not None]
    return read


def _zbar_as_shipped(frame: np.ndarray) -> list[str]:
    """pyzbar's decode() as a project would call it: zbar guesses the charset."""
    symbols = pyzbar.decode(to_gray(frame), symbols=[pyzbar.ZBarSymbol.QRCODE])
    return [symbol.data.decode("utf-8", "replace") for symbol in symbols]


def _zxing_as_shipped(frame: np.ndarray) -> list[str]:
    """zxingcpp.read_barcodes() with its defaults: zxing guesses the charset."""
    qr = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    return [result.text for result in zxingcpp.read_barcodes(to_gray(frame), formats=qr)]


READERS: dict[str, Reader] = {
    "auto": _engine_reader("auto"),
    "zbar": _engine_reader("zbar"),
    "zxing": _engine_reader("zxing"),
    "zbar-as-shipped": _zbar_as_shipped,
    "zxing-as-shipped": _zxing_as_shipped,
}


@dataclass(frozen=True)
class Case:
    """One corpus image and its expected text."""

    image: Path
    expected: str
    folder: str


@dataclass
class Tally:
    """Counts and per-image times for one reader over some images."""

    total: int = 0
    ok: int = 0
    wrong: int = 0
    missed: int = 0
    unreadable_images: int = 0
    times_ms: list[float] = field(default_factory=list)
    cpu_times_ms: list[float] = field(default_factory=list)

    def add(self, outcome: str, timing: tuple[float, float] | None) -> None:
        """Count one image's outcome (ok, wrong, missed, unreadable) and its (wall, CPU) ms."""
        self.total += 1
        if outcome == "unreadable":
            self.unreadable_images += 1
            outcome = "missed"
        setattr(self, outcome, getattr(self, outcome) + 1)
        if timing is not None:
            self.times_ms.append(timing[0])
            self.cpu_times_ms.append(timing[1])

    def summary(self) -> dict[str, float | int]:
        """The figures `chot bench decode` prints.

        `median_ms`/`p95_ms` are wall-clock; the `cpu_` figures count only the time the
        process ran, which stays honest when other work shares the core.
        """
        return {
            "total": self.total, "ok": self.ok, "wrong": self.wrong, "missed": self.missed,
            "ok_rate": round(self.ok / self.total, 4) if self.total else 0.0,
            "unreadable_images": self.unreadable_images,
            "median_ms": _median(self.times_ms), "p95_ms": _p95(self.times_ms),
            "median_cpu_ms": _median(self.cpu_times_ms), "p95_cpu_ms": _p95(self.cpu_times_ms),
        }


def find_cases(root: Path) -> tuple[list[Case], list[Path]]:
    """Images under root with their expected texts, and the images lacking a `.txt` answer."""
    cases: list[Case] = []
    unanswered: list[Path] = []
    for image in sorted(_images(root)):
        answer = image.with_suffix(".txt")
        if not answer.is_file():
            unanswered.append(image)
            continue
        expected = normalize(answer.read_text(encoding="utf-8"))
        folder = str(image.parent.relative_to(root)) if image.parent != root else "."
        cases.append(Case(image, expected, folder))
    return cases, unanswered


def _images(root: Path) -> Iterator[Path]:
    for path in root.rglob("*"):
        if path.suffix.lower() in IMAGE_SUFFIXES and path.is_file():
            yield path


def normalize(text: str) -> str:
    """Texts compare with CRLF as LF (the corpora's answer files were written on many OSes)."""
    return text.replace("\r\n", "\n")


def judge(expected: str, texts: list[str]) -> str:
    """ok if the expected text is among the decoded texts, wrong if others came, else missed."""
    normalized = [normalize(text) for text in texts]
    if expected in normalized:
        return "ok"
    return "wrong" if normalized else "missed"


def run_bench(root: Path, engine: str, baselines: list[str],
              on_case: Callable[[Case, dict[str, str]], None] | None = None) -> dict[str, object]:
    """Run the engine and the baselines over every image under root; returns the report."""
    cases, unanswered = find_cases(root)
    names = [engine, *[name for name in baselines if name != engine]]
    totals = {name: Tally() for name in names}
    folders: dict[str, dict[str, Tally]] = {}
    for case in cases:
        frame = cv2.imread(str(case.image), cv2.IMREAD_UNCHANGED)
        outcomes: dict[str, str] = {}
        for name in names:
            outcome, elapsed = _run_one(READERS[name], frame, case.expected)
            outcomes[name] = outcome
            totals[name].add(outcome, elapsed)
            folders.setdefault(case.folder, {}).setdefault(name, Tally()).add(outcome, elapsed)
        if on_case is not None:
            on_case(case, outcomes)
    report: dict[str, object] = {"engine": engine, **totals[engine].summary(),
                                 "images_without_answer": len(unanswered),
                                 "folders": {folder: tallies[engine].summary()
                                             for folder, tallies in sorted(folders.items())}}
    if len(names) > 1:
        report["baselines"] = {
            name: {**totals[name].summary(),
                   "folders": {folder: tallies[name].summary()
                               for folder, tallies in sorted(folders.items())}}
            for name in names[1:]}
        report["ratios"] = _ratios(totals[engine], {name: totals[name] for name in names[1:]})
    return report


def _run_one(read: Reader, frame: np.ndarray | None,
             expected: str) -> tuple[str, tuple[float, float] | None]:
    if frame is None or frame.dtype != np.uint8:
        return "unreadable", None
    started, started_cpu = time.perf_counter(), time.process_time()
    try:
        texts = read(frame)
    except FrameError:
        return "unreadable", None
    timing = ((time.perf_counter() - started) * 1000, (time.process_time() - started_cpu) * 1000)
    return judge(expected, texts), timing


def _ratios(main: Tally, baselines: dict[str, Tally]) -> dict[str, dict[str, float | None]]:
    """ok count and median time of the engine relative to each baseline in the same run."""
    ratios: dict[str, dict[str, float | None]] = {}
    mine = main.summary()
    for name, tally in baselines.items():
        theirs = tally.summary()
        ratios[name] = {"ok_ratio": round(mine["ok"] / theirs["ok"], 3) if theirs["ok"] else None}
        for key in ("median_ms", "median_cpu_ms"):
            ratios[name][f"{key}_ratio"] = (round(mine[key] / theirs[key], 3)
                                            if theirs[key] else None)
    return ratios


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 2) if values else 0.0


def _p95(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 2)
