"""`chot bench kiosk`: scan-to-verdict time through the real app, against the bare core.

Each sample code enters where a reader's would (decoded-at stamp, then the app's message
path), is decided and committed by a worker, and counts once the verdict has been drawn.
The baseline is the screening core alone (read + verify + evaluate) on the same codes in the
same run; the app's extra time is the journal commit, the worker hop and the redraw.
"""

from __future__ import annotations

import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

READY_MARK = "SẴN SÀNG QUÉT".encode()
SIM_CONFIG = """
post = "bench"
kiosk = "k1"
[camera]
simulated = true
[thermometer]
simulated_c = 36.6
[journal]
path = "{journal}"
"""


def measure_process(timeout_s: float = 20.0) -> dict[str, Any]:
    """Start `chot kiosk` on a pseudo-terminal (80x24, simulated devices) and time it until
    the ready screen is drawn; then read its resident memory and quit it with Ctrl+Q."""
    import fcntl
    import pty
    import struct
    import termios

    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "kiosk.toml"
        config.write_text(SIM_CONFIG.format(journal=Path(tmp) / "journal.sqlite"))
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "chot", "kiosk", "--config", str(config)],
            stdin=slave, stdout=slave, stderr=slave, close_fds=True,
            env={**os.environ, "LANG": "C.UTF-8", "TERM": "xterm-256color"})
        os.close(slave)
        seen, ready_s = b"", None
        try:
            while time.perf_counter() - started < timeout_s:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
                if READY_MARK in seen:
                    ready_s = time.perf_counter() - started
                    break
            time.sleep(1.0)  # let start-up work settle before reading memory
            rss_mb = _rss_mb(process.pid)
            os.write(master, b"\x11")  # Ctrl+Q
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        finally:
            os.close(master)
    return {"process_ready_s": None if ready_s is None else round(ready_s, 3),
            "process_rss_mb": rss_mb, "target_ready_s": 2.0, "target_rss_mb": 150}


def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


async def run_bench(scans: int, journal_kind: str = "sqlite") -> dict[str, Any]:
    """Run the app headless at 80x24, scan `scans` codes one after another, summarise."""
    started = time.perf_counter()
    from datetime import UTC, datetime

    from kiosk_ui.app import build_app
    from kiosk_ui.config import parse_config
    from kiosk_ui.devices import SqliteJournal, utc_now
    from kiosk_ui.policy_files import FilePolicy
    from kiosk_ui.ports import KioskPorts, PolicyInForce
    from kiosk_ui.sample_travellers import sample_codes
    from kiosk_ui.simulated import MemoryJournal, ScriptedInput, SimThermometer
    from kiosk_ui.timing import summarize
    from screening.default_policy import DEFAULT_BODY
    from screening.evaluate import evaluate
    from screening.keys import SigningKey
    from screening.policy import parse_policy
    from screening.scan import read_code

    import_s = time.perf_counter() - started
    issuer = SigningKey.generate()
    now = datetime.now(UTC)
    codes = list(sample_codes(issuer, now).values())
    trusted = {issuer.kid: issuer.public}
    policy = parse_policy(DEFAULT_BODY, version=1)
    config = parse_config({"post": "bench", "kiosk": "k1", "bell": False})
    with tempfile.TemporaryDirectory() as tmp:
        if journal_kind == "sqlite":
            from kiosk_ui.journal import Journal

            journal: Any = SqliteJournal(Journal(Path(tmp) / "journal.sqlite", "bench", "k1"))
        else:
            journal = MemoryJournal("bench", "k1")
        reader = ScriptedInput("reader")
        ports = KioskPorts(journal=journal, clock=utc_now,
                           policy=FilePolicy(PolicyInForce(policy, trusted, now)),
                           inputs=[reader], thermometer=SimThermometer(utc_now, 36.6))
        app = build_app(config, ports, poll_status=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            while app.ready_s is None:
                await asyncio.sleep(0.001)
            for i in range(scans):
                reader.feed(codes[i % len(codes)])
                while len(app.timings.values()) <= i:
                    await asyncio.sleep(0.0005)
        if isinstance(journal, SqliteJournal):
            journal.journal.close()
    ui = app.timings.summary()
    core_ms = []
    for i in range(scans):
        t0 = time.perf_counter()
        evaluate(read_code(codes[i % len(codes)], trusted, now), None, policy, now)
        core_ms.append((time.perf_counter() - t0) * 1000)
    core = summarize(core_ms)
    return {
        "scans": ui.count, "journal": journal_kind,
        "verdict_p50_ms": ui.p50_ms, "verdict_p95_ms": ui.p95_ms, "verdict_max_ms": ui.max_ms,
        "core_p50_ms": core.p50_ms, "core_p95_ms": core.p95_ms,
        "p95_ratio_vs_core": round(ui.p95_ms / core.p95_ms, 1) if core.p95_ms else None,
        "target_p95_ms": 100,
        "import_s": round(import_s, 3), "ready_s": round(app.ready_s or 0.0, 3),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
