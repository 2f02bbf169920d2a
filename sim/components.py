"""The processes of a simulated run: gateways, the center, headless kiosks.

Each is a real child process started from its config file, so a fault is a real kill -9 and
a restart is a real cold start from disk. `Component` wraps one such process.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

OnLine = Callable[[str], None]


class Component:
    """One child process: start, kill -9, stop (SIGTERM), restart; stdout lines to a callback."""

    def __init__(self, name: str, argv: list[str], log_path: Path,
                 on_line: OnLine | None = None, stdin: bool = False,
                 foreground: bool = False) -> None:
        self.name, self.argv, self.log_path = name, argv, log_path
        self.on_line, self.wants_stdin, self.foreground = on_line, stdin, foreground
        self.proc: subprocess.Popen[str] | None = None
        self.starts = 0
        self._log: IO[str] | None = None
        self._stdin_lock = threading.Lock()

    def start(self) -> Component:
        """Start the process (again)."""
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if self.foreground:
            # The staff UI: it owns the terminal, and Ctrl-C is for it.
            self.proc = subprocess.Popen(self.argv, env=env, text=True)
            self.starts += 1
            return self
        self._log = self.log_path.open("a", encoding="utf-8")
        self.proc = subprocess.Popen(
            self.argv, stdin=subprocess.PIPE if self.wants_stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE if self.on_line else self._log, stderr=self._log,
            text=True, encoding="utf-8", env=env, start_new_session=True)
        self.starts += 1
        if self.on_line is not None:
            threading.Thread(target=self._pump, args=(self.proc,), daemon=True,
                             name=f"{self.name}-out").start()
        return self

    @property
    def alive(self) -> bool:
        """True while the process runs."""
        return self.proc is not None and self.proc.poll() is None

    def send(self, record: dict[str, Any]) -> bool:
        """Write one JSON line to its stdin; False when it is not running."""
        proc = self.proc
        if proc is None or proc.stdin is None or proc.poll() is not None:
            return False
        try:
            with self._stdin_lock:
                proc.stdin.write(json.dumps(record, ensure_ascii=False) + "\n")
                proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return False
        return True

    def signal(self, signum: int) -> None:
        """Send a signal if it runs."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signum)

    def kill(self) -> None:
        """kill -9, as a crash or a power cut."""
        if self.alive and self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self._close()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask it to finish (stdin closed, SIGTERM), kill -9 after timeout."""
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            if proc.stdin is not None:
                with contextlib.suppress(OSError):
                    proc.stdin.close()
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._close()

    def restart(self) -> None:
        """Kill -9 if running, then start again."""
        self.kill()
        self.start()

    def _pump(self, proc: subprocess.Popen[str]) -> None:
        # Every line is also kept beside the log, for a look after a run that went wrong.
        assert proc.stdout is not None and self.on_line is not None
        with self.log_path.with_suffix(".out").open("a", encoding="utf-8") as copy:
            for line in proc.stdout:
                copy.write(f"{time.time():.3f} {line}")
                copy.flush()
                self.on_line(line)

    def _close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


def chot_argv(*args: str) -> list[str]:
    """`chot ARGS…` with this interpreter."""
    return [sys.executable, "-m", "chot", *args]


def python_m(module: str, *args: str) -> list[str]:
    """`python -m MODULE ARGS…` with this interpreter."""
    return [sys.executable, "-m", module, *args]


def write_toml(path: Path, data: dict[str, Any]) -> Path:
    """Write a config of tables, strings, numbers, booleans and lists as TOML."""
    path.write_text(_toml_table(data, ""), encoding="utf-8")
    return path


def _toml_table(data: dict[str, Any], prefix: str) -> str:
    scalars = [f"{key} = {_toml_value(value)}" for key, value in data.items()
               if not isinstance(value, dict) and value is not None]
    text = (f"[{prefix}]\n" if prefix and scalars else "") + "".join(s + "\n" for s in scalars)
    for key, value in data.items():
        if isinstance(value, dict):
            text += "\n" + _toml_table(value, f"{prefix}.{key}" if prefix else key)
    return text


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def stop_children_on_hangup() -> None:
    """Turn SIGHUP and SIGTERM into KeyboardInterrupt, so a run's cleanup stops its children.

    Children run in their own sessions (a Ctrl-C is not theirs): when the terminal closes only
    this process hears it, and dying at once would leave brokers and gateways orphaned.
    """
    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    for signum in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, interrupt)
