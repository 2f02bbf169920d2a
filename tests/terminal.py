"""Programs in a real terminal for the tests: a tmux session on a private socket, read with
capture-pane and driven with send-keys; and the processes a run leaves behind."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from infra.polling import wait_until


class Terminal:
    """A terminal of a given size running one command (tmux session `session`)."""

    def __init__(self, socket: str, session: str, command: str,
                 env: dict[str, str] | None = None, columns: int = 80, lines: int = 24) -> None:
        self.socket, self.session = socket, session
        settings = env or {"LANG": "C.UTF-8", "TERM": "xterm-256color"}
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", session, "-x", str(columns),
                  "-y", str(lines), *[arg for key, value in settings.items()
                                      for arg in ("-e", f"{key}={value}")], command)

    def tmux(self, *args: str) -> str:
        """Run a tmux command on this terminal's server; its output."""
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True,
                              capture_output=True, text=True, timeout=10).stdout

    def keys(self, *keys: str) -> None:
        """Press keys (tmux key names: Enter, F12, C-q…)."""
        self.tmux("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        """Type text literally."""
        self.tmux("send-keys", "-t", self.session, "-l", text)

    def screen(self) -> str:
        """What the terminal shows now."""
        return self.tmux("capture-pane", "-p", "-t", self.session)

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        """The screen once it shows text; fails with the last screen otherwise."""
        return self._wait(lambda screen: text in screen, repr(text) + " never appeared",
                          timeout)

    def wait_match(self, pattern: str, timeout: float = 15.0) -> str:
        """The screen once a regular expression matches it."""
        return self._wait(lambda screen: re.search(pattern, screen) is not None,
                          repr(pattern) + " never matched", timeout)

    def wait_gone(self, timeout: float = 10.0) -> bool:
        """True once the session ended (its program exited)."""
        return wait_until(lambda: subprocess.run(
            ["tmux", "-L", self.socket, "has-session", "-t", self.session],
            capture_output=True, timeout=10).returncode != 0, timeout, step=0.1)

    def close(self) -> None:
        """Close the terminal: what its programs see is a hangup."""
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True,
                       timeout=10)

    def _wait(self, shown: Callable[[str], bool], failure: str, timeout: float) -> str:
        last = [""]

        def showing() -> bool:
            last[0] = self.screen()
            return shown(last[0])

        if wait_until(showing, timeout, step=0.1):
            return last[0]
        raise AssertionError(f"{failure}; the screen was:\n{last[0]}")


def processes_mentioning(text: str) -> list[str]:
    """Command lines of running processes (but this one) that contain text."""
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
