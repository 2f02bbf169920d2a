"""The demo's terminal: the staff kiosk and the center's dashboard as two windows of a private
tmux server, F12 switching between them.

The server has its own socket and a generated config (no user's ~/.tmux.conf, no prefix key:
every key but F12 and Ctrl+Q goes to the program on screen). Its life is the kiosk's: when the
kiosk ends, its window kills the server, so the attached client ends and the run sees the UI
closed; closing the terminal ends the client, and the session, left unattached, ends itself.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from sim.components import Component

SESSION = "demo"
KIOSK_WINDOW = "Máy quét / Kiosk"
CENTER_WINDOW = "Trung tâm / Center"
BOTH_WINDOW = "Máy quét + Trung tâm / Kiosk + Center"
SIDE_BY_SIDE_COLUMNS = 200  # room for both screens at a readable width
HELP = "F12 chuyển màn hình / switch screen · Ctrl+Q thoát / quit "
HELP_SIDE_BY_SIDE = "F12 chuyển bàn phím / switch keyboard · Ctrl+Q thoát / quit "
TMUX_TIMEOUT_S = 10.0
LAST_SCREEN_FILE = "kiosk-last-screen.txt"

# The kiosk is always pane 1 of window 1; the dashboard is window 2, or pane 2 beside it.
CONFIG = """\
set -g base-index 1
set -g pane-base-index 1
set -g prefix None
unbind C-b
set -g escape-time 10
set -g mouse on
set -g default-terminal screen-256color
set -g allow-rename off
set -g automatic-rename off
set -g status-position bottom
set -g status-style "bg=colour24,fg=colour231"
set -g status-left ""
set -g window-status-format " #I #W "
set -g window-status-current-format " #I #W "
set -g window-status-current-style "bg=colour231,fg=colour24,bold"
set -g status-right "{help}"
set -g status-right-length 80
bind -n F12 {f12}
bind -n C-q {{
  select-window -t :1
  send-keys -t :1.1 C-q
}}
set-hook -g client-attached {{ set -g destroy-unattached on }}
"""
SIDE_BY_SIDE_CONFIG = """\
set -g pane-border-status top
set -g pane-border-format " #{?#{==:#{pane_index},1},Máy quét / Kiosk,Trung tâm / Center} "
set -g pane-active-border-style "fg=colour231,bg=colour24,bold"
"""

# Each window runs its program under sh, which sees how it ended. (tmux's pane-died hook is
# not used: while tmux updates utmp for a closed terminal it ignores SIGCHLD, so a program
# ending just after its terminal closed is never reaped and its pane never counts as dead.)
# Arguments: tmux, a file, the program.
# The kiosk's end ends the server; if it failed, its last screen (its error) is kept first.
KIOSK_SCRIPT = """\
tmux=$1 last_screen=$2; shift 2
"$@"
[ $? -eq 0 ] || "$tmux" capture-pane -p -J -S - -t "$TMUX_PANE" > "$last_screen"
"$tmux" kill-server
"""
# The dashboard quit with `q` comes back fresh behind the kiosk; a failed one waits for Enter.
CENTER_SCRIPT = """\
tmux=$1 log=$2; shift 2
while :; do
  if "$@"; then
    "$tmux" select-window -t :1 \\; select-pane -t :1.1
  else
    echo "Bảng điều khiển trung tâm lỗi, xem / the center dashboard failed, see $log"
    echo "Enter: chạy lại / restart"
    read -r _ || exit
  fi
done
"""


def tmux_usable() -> bool:
    """True when tmux is installed and this process reads keys from a terminal."""
    return shutil.which("tmux") is not None and sys.stdin.isatty()


class TmuxScreens(Component):
    """Kiosk and center dashboard in one terminal; `alive` while staff are at the kiosk.

    Two windows, or in a terminal of 200 columns or more one window with both side by side
    (F12 then moves the keyboard). The foreground process is the tmux client attached to the
    session; the kiosk and the dashboard are the server's children, found by pane when the
    run ends them.
    """

    def __init__(self, name: str, kiosk_argv: list[str], center_argv: list[str],
                 workdir: Path) -> None:
        super().__init__(name, kiosk_argv, workdir / f"{name}.log", foreground=True)
        self.center_argv = center_argv
        self.workdir = workdir
        self.socket = f"chot-demo-{os.getpid()}"
        self._pane_pids: set[int] = set()
        self._socket_path = ""

    def start(self) -> TmuxScreens:
        """Start the server with both windows, then attach this terminal to it."""
        columns, lines = _terminal_size()
        side_by_side = columns >= SIDE_BY_SIDE_COLUMNS
        config = self.workdir / "tmux.conf"
        config.write_text(
            CONFIG.format(help=HELP_SIDE_BY_SIDE, f12="select-pane -t :.+") + SIDE_BY_SIDE_CONFIG
            if side_by_side else CONFIG.format(help=HELP, f12="next-window"), "utf-8")
        tmux = shutil.which("tmux") or "tmux"
        kiosk = ["sh", "-c", KIOSK_SCRIPT, "sh", tmux, str(self.workdir / LAST_SCREEN_FILE),
                 *self.argv]
        center = ["sh", "-c", CENTER_SCRIPT, "sh", tmux, str(self.workdir / "center.log"),
                  *self.center_argv]
        beside = ["split-window", "-h", "-d", "-t", f"{SESSION}:1"] if side_by_side \
            else ["new-window", "-d", "-t", f"{SESSION}:2", "-n", CENTER_WINDOW]
        # One command, so the dashboard is there before anything can attach, and the server
        # is asked where it lives and what it runs before a failing kiosk could end it.
        said = self._tmux("-f", str(config), "new-session", "-d", "-s", SESSION,
                          "-n", BOTH_WINDOW if side_by_side else KIOSK_WINDOW,
                          "-x", str(columns), "-y", str(max(lines - 1, 10)), *kiosk, ";",
                          *beside, *center, ";",
                          "display-message", "-p", "#{socket_path}", ";",
                          "list-panes", "-a", "-F", "#{pane_pid}").split()
        self._socket_path = said[0]
        self._pane_pids |= {int(pid) for pid in said[1:]}
        # -u: the kiosk speaks Vietnamese even where the locale does not say UTF-8. tmux says
        # "[server exited]" on stdout at the end, where the run's report goes: not wanted.
        # The config again: a kiosk gone already makes attach start a server of its own.
        self.proc = subprocess.Popen(self._base() + ["-u", "-f", str(config), "attach",
                                                     "-t", SESSION],
                                     env=_env(), stdout=subprocess.DEVNULL, text=True)
        self.starts += 1
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """End the kiosk and the dashboard (SIGHUP, as a closed terminal), kill -9 after timeout."""
        self._end(timeout)

    def kill(self) -> None:
        """End everything now; survivors of SIGHUP get kill -9 after a second."""
        self._end(1.0)

    def _end(self, grace_s: float) -> None:
        self._pane_pids |= self._panes()
        self._tmux("kill-server", check=False)
        deadline = time.monotonic() + grace_s
        if self.proc is not None:
            try:
                self.proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for pid in sorted(self._pane_pids):
            _kill_after(pid, deadline)
        self._pane_pids.clear()
        if self._socket_path:
            # tmux leaves its socket file behind when killed.
            with contextlib.suppress(OSError):
                os.unlink(self._socket_path)
        self._tell_last_screen()

    def _tell_last_screen(self) -> None:
        # The kiosk failed: its message was on its screen, now gone with the pane.
        path = self.workdir / LAST_SCREEN_FILE
        with contextlib.suppress(OSError):
            text = path.read_text("utf-8", errors="replace").rstrip()
            path.unlink()
            if text:
                print(f"Máy quét đã dừng bất thường / the kiosk stopped abnormally:\n{text}",
                      file=sys.stderr, flush=True)

    def _panes(self) -> set[int]:
        listing = self._tmux("list-panes", "-a", "-F", "#{pane_pid}", check=False)
        return {int(pid) for pid in listing.split() if pid.isdigit()}

    def _base(self) -> list[str]:
        return ["tmux", "-L", self.socket]

    def _tmux(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(self._base() + list(args), env=_env(), stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=TMUX_TIMEOUT_S)
        if check and done.returncode != 0:
            raise RuntimeError(f"tmux {args[0]}: {done.stderr.strip()}")
        return done.stdout


def _env() -> dict[str, str]:
    # Without TMUX, so the demo also starts its own server when run inside someone's tmux.
    return {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}


def _terminal_size() -> tuple[int, int]:
    # The terminal the keys come from; stdout may be redirected to keep the report.
    try:
        size = os.get_terminal_size(sys.stdin.fileno())
    except OSError:
        size = shutil.get_terminal_size()
    return size.columns, size.lines


def _kill_after(pane_pid: int, deadline: float) -> None:
    """Wait until deadline for a pane's processes (not our children) to end, then kill -9.

    A pane's first process leads its own process group, where the program under it runs too.
    """
    while time.monotonic() < deadline:
        try:
            os.killpg(pane_pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pane_pid, signal.SIGKILL)
