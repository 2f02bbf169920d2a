"""`chot bench decode DIR` (decode a corpus, count ok/wrong/missed, timed) and
`chot bench gen-corpus OUT` (write the synthetic 720p camera and Vietnamese corpora)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chot.failure import said

if TYPE_CHECKING:
    from chot.cli import CommandTree

ENGINES = ("auto", "zbar", "zxing")
BASELINES = ("zbar", "zxing", "zbar-as-shipped", "zxing-as-shipped")


def register(tree: CommandTree) -> None:
    """Add `chot bench decode` and `chot bench gen-corpus`."""
    tree.group("bench", help="benchmarks")
    decode = tree.command(
        "decode", _decode,
        said("help_bench_decode"),
        group="bench")
    decode.add_argument("dir", metavar="DIR",
                        help="corpus folder (recursive): NAME.png|.jpg|.webp + NAME.txt")
    decode.add_argument("--engine", choices=ENGINES, default="auto", help="decoder engine")
    decode.add_argument("--baseline", action="store_true",
                        help="also run zbar, zxing and both as shipped (charset guessing) "
                             "on every image in the same run, and print ratios")
    decode.add_argument("--json", action="store_true", help="only the JSON summary line")
    decode.add_argument("--verbose", action="store_true", help="one line per wrong or missed image")
    gen = tree.command("gen-corpus", _gen_corpus,
                       said("help_bench_gen_corpus"),
                       group="bench")
    gen.add_argument("out", metavar="OUT", help="folder to write (created)")
    gen.add_argument("--frames", type=int, default=200, help="720p camera frames (default 200)")
    gen.add_argument("--vietnamese", type=int, default=60,
                     help="Vietnamese ID-card frames (default 60)")
    gen.add_argument("--fixed-blur", type=int, default=0, metavar="N",
                     help="also N stress frames with blur sigma 1.5-2.5 px on any module size "
                          "(folder camera-720p-fixed-blur; default 0)")


def _decode(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    if not root.is_dir():
        return _fail("corpus_not_found",
                     f"{said('corpus_not_found')}: {root}")
    from hardware.bench_decode import run_bench

    baselines = list(BASELINES) if args.baseline else []

    def show(case: Any, outcomes: dict[str, str]) -> None:
        if args.verbose and not args.json and outcomes[args.engine] != "ok":
            print(f"{outcomes[args.engine]:7s} {case.image}", flush=True)

    report = run_bench(root, args.engine, baselines, on_case=show)
    if report["total"] == 0:
        return _fail("corpus_empty",
                     f"Không có ảnh kèm đáp án / no image with a .txt answer in {root}", report)
    if not args.json:
        _print_table(report)
    print(json.dumps(report, ensure_ascii=False))
    return 0


def _print_table(report: dict[str, Any]) -> None:
    rows = [(report["engine"], report)]
    rows += list(report.get("baselines", {}).items())
    print(f"{'engine':18s} {'total':>6s} {'ok':>5s} {'wrong':>6s} {'missed':>7s} "
          f"{'median ms':>10s} {'p95 ms':>8s} {'median cpu':>11s}")
    for name, figures in rows:
        print(f"{name:18s} {figures['total']:6d} {figures['ok']:5d} {figures['wrong']:6d} "
              f"{figures['missed']:7d} {figures['median_ms']:10.2f} {figures['p95_ms']:8.2f} "
              f"{figures['median_cpu_ms']:11.2f}")
    for folder, figures in report["folders"].items():
        print(f"  {report['engine']} {folder}: {figures['ok']}/{figures['total']} ok, "
              f"{figures['wrong']} wrong, median {figures['median_ms']:.2f} ms "
              f"(cpu {figures['median_cpu_ms']:.2f} ms)")


def _gen_corpus(args: argparse.Namespace) -> int:
    if min(args.frames, args.vietnamese, args.fixed_blur) < 0:
        return _fail("bad_count", said("counts_non_negative"))
    from hardware.corpus_gen import write_corpus

    out = Path(args.out)
    try:
        written = write_corpus(out, args.frames, args.vietnamese, args.fixed_blur)
    except OSError as exc:
        return _fail("cannot_write", f"{said('cannot_write')} {out}: {exc}")
    print(json.dumps({"out": str(out), "written": written}, ensure_ascii=False))
    return 0


def _fail(reason: str, message: str, extra: dict[str, Any] | None = None) -> int:
    print(message, file=sys.stderr)
    print(json.dumps({"error": reason, **(extra or {})}, ensure_ascii=False))
    return 2
