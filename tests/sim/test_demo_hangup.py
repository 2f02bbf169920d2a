"""Closing the terminal of `chot demo` stops everything it started: no orphaned processes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path


def processes_mentioning(text: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if text in cmdline:
            found.append(cmdline)
    return found


def test_hangup_stops_brokers_gateways_and_kiosks():
    proc = subprocess.Popen([sys.executable, "-m", "chot", "demo", "--headless",
                             "--duration", "120"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    workdir = None
    deadline = time.monotonic() + 90
    assert proc.stderr is not None
    while workdir is None and time.monotonic() < deadline:
        line = proc.stderr.readline()
        if match := re.search(r"^started: .* in (\S+)$", line.strip()):
            workdir = match.group(1)
    assert workdir, "the demo never said it started"
    assert processes_mentioning(workdir), "its children should be running now"
    proc.send_signal(signal.SIGHUP)
    proc.wait(timeout=60)
    deadline = time.monotonic() + 15
    while processes_mentioning(workdir) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_mentioning(workdir) == []
