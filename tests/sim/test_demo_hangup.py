"""Closing the terminal of `chot demo` stops everything it started: no orphaned processes."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

from infra.polling import wait_until
from tests.terminal import processes_mentioning


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
    wait_until(lambda: not processes_mentioning(workdir), 15, step=0.2)
    assert processes_mentioning(workdir) == []
