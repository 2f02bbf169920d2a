"""The kiosk's display path as deploy/ ships it: the unit's command (cage showing foot running
`chot kiosk`) on a headless Wayland output, with screenshots taken by grim."""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

import cv2
import numpy as np

from infra.polling import wait_until

REPO = Path(__file__).resolve().parents[2]
UNIT = REPO / "deploy" / "systemd" / "chot-kiosk.service"
FOOT_INI = REPO / "deploy" / "kiosk" / "foot.ini"
_JETBRAINS = Path("/usr/share/fonts/truetype/jetbrains-mono")
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
# foot.ini's font lists, regular and bold: each character comes from the first that has it.
FONT_CHAINS = ((_JETBRAINS / "JetBrainsMono-Regular.ttf", _DEJAVU / "DejaVuSansMono.ttf"),
               (_JETBRAINS / "JetBrainsMono-Bold.ttf", _DEJAVU / "DejaVuSansMono-Bold.ttf"))
NOBODY = 65534
# wlroots without a GPU or a seat: an output in memory, drawn by the pixman renderer.
HEADLESS = {"WLR_BACKENDS": "headless", "WLR_RENDERER": "pixman",
            "WLR_LIBINPUT_NO_DEVICES": "1"}


def display_tools_missing() -> list[str]:
    """The programs the display path needs that are not installed (setup.sh installs them)."""
    return [tool for tool in ("cage", "foot", "grim", "Xwayland") if shutil.which(tool) is None]


def unit_service() -> dict[str, str]:
    """The [Service] settings of the kiosk unit (the last one wins, as in systemd)."""
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(UNIT.read_text())
    return dict(parser["Service"])


def unit_command(chot: Path, config: Path) -> list[str]:
    """ExecStart with this checkout's chot, foot.ini and a test config in place of /opt, /etc."""
    command = unit_service()["ExecStart"]
    command = (command.replace("/opt/chot/.venv/bin/chot", str(chot))
               .replace("/opt/chot/deploy/", str(REPO / "deploy") + "/")
               .replace("/etc/chot/kiosk.toml", str(config)))
    return shlex.split(command)


class KioskDisplay:
    """The unit's command running on a headless output, as the unit's user would run it (cage
    refuses root: as root, the test drops to nobody)."""

    def __init__(self, command: list[str], journal: Path, env: dict[str, str]) -> None:
        self.runtime = Path(tempfile.mkdtemp(prefix="chot-wayland-"))
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            os.chown(self.runtime, NOBODY, NOBODY)
            # Reading (not writing) anywhere: this checkout's interpreter may live under
            # /root, which the unit's user could not otherwise enter.
            self._as_user = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
                             "--clear-groups", "--inh-caps=+dac_read_search",
                             "--ambient-caps=+dac_read_search"]
        self.runtime.chmod(0o700)
        self.env = {**os.environ, **env, **HEADLESS, "XDG_RUNTIME_DIR": str(self.runtime),
                    "HOME": str(self.runtime)}
        self.env.pop("WAYLAND_DISPLAY", None)
        self.env.pop("DISPLAY", None)
        # As the unit does: cage's stdout and stderr go to the journal (here a file).
        self.journal_path = journal
        self._journal = journal.open("wb")
        self.process = subprocess.Popen([*self._as_user, *command], env=self.env,
                                        stdin=subprocess.DEVNULL, stdout=self._journal,
                                        stderr=subprocess.STDOUT)

    def screenshot(self, path: Path) -> np.ndarray | None:
        """What the output shows now (None before cage has an output)."""
        socket = self.runtime / "wayland-0"
        if not socket.exists():
            return None
        shot = self.runtime / "shot.png"
        done = subprocess.run([*self._as_user, "grim", str(shot)],
                              env={**self.env, "WAYLAND_DISPLAY": "wayland-0"},
                              capture_output=True, timeout=20)
        if done.returncode != 0 or not shot.exists():
            return None
        shutil.copy(shot, path)
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        return image if image is not None and image.size else None

    def wait_drawn(self, path: Path, drawn: float, timeout: float = 60.0) -> np.ndarray:
        """The first screenshot in which at least `drawn` of the output is not background."""
        shots: list[np.ndarray] = []

        def shows_enough() -> bool:
            if self.process.poll() is not None:
                self._journal.flush()
                raise AssertionError(f"cage ended with {self.process.returncode}: "
                                     f"{self.journal_path.read_text(errors='replace')[-1500:]}")
            image = self.screenshot(path)
            if image is not None:
                shots[:] = [image]
            return image is not None and drawn_share(image) >= drawn

        if wait_until(shows_enough, timeout, step=0.5):
            return shots[-1]
        share = drawn_share(shots[-1]) if shots else 0.0
        raise AssertionError(f"the screen never drew: {share:.1%} of it is not background")

    def stop(self) -> None:
        """End cage (and with it foot and the kiosk)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._journal.close()
        shutil.rmtree(self.runtime, ignore_errors=True)


def drawn_share(image: np.ndarray) -> float:
    """Share of the pixels that differ from the most common colour (the background)."""
    pixels = image.reshape(-1, 3)
    _, counts = np.unique(pixels, axis=0, return_counts=True)
    return 1.0 - float(counts.max()) / len(pixels)
