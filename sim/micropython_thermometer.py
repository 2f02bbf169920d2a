"""A thermometer node whose firmware runs on real MicroPython: the 1.27 WebAssembly port,
run by Node.js, behind a pty the host opens as the node's USB serial port.

The same firmware/ code as on the RP2040 and the same sensor models as the CPython simulator
(sim/machine_model/), so a firmware change that only CPython accepts fails here. Its sensors
are changed from the host through `thermometer` and `proximity`, as on SimulatedThermometer.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
from pathlib import Path
from typing import Any

from sim.pty_device import PtyDevice

ROOT = Path(__file__).resolve().parents[1]
RUNNER_DIR = Path(__file__).with_name("micropython_node")
RUNNER = RUNNER_DIR / "run_node.mjs"
PORT_PACKAGE = RUNNER_DIR / "node_modules" / "@micropython" / "micropython-webassembly-pyscript"
DEVICE_ROOT = "/flash"
# What goes into the interpreter's file system: the firmware, the board's `machine`, the
# sensor models and the entry point; empty __init__.py files make the packages.
_FILES = (["firmware/" + name for name in ("__init__.py", "board.py", "indicator.py",
                                           "mlx90614.py", "node.py", "thermo_protocol.py",
                                           "vl6180x.py")]
          + ["sim/machine_model/" + name for name in ("i2c_bus.py", "mlx90614_model.py",
                                                      "vl6180x_model.py")])
_EMPTY_PACKAGES = ("sim/__init__.py", "sim/machine_model/__init__.py")


class MicroPythonUnavailable(RuntimeError):
    """Node.js or the MicroPython WebAssembly package is missing (scripts/setup.sh installs
    both)."""


def micropython_available() -> bool:
    """True when Node.js and the MicroPython port are installed."""
    return shutil.which("node") is not None and (PORT_PACKAGE / "package.json").exists()


class RemoteSensor:
    """A sensor model living inside the interpreter: setting an attribute changes it there."""

    _node: MicroPythonThermometer
    _name: str

    def __init__(self, node: MicroPythonThermometer, name: str) -> None:
        object.__setattr__(self, "_node", node)
        object.__setattr__(self, "_name", name)

    def __setattr__(self, attribute: str, value: Any) -> None:
        self._node.ask({"sensor": self._name, "attribute": attribute, "value": value})


class MicroPythonThermometer:
    """The firmware on MicroPython under Node.js, reachable at `port_path` (a raw pty)."""

    def __init__(self, link_path: str | Path | None = None, object_c: float = 36.6,
                 ambient_c: float = 28.0, target_mm: int | None = 45,
                 unique_id: bytes = b"\xe6\x61\x38\x52\x83\x2c\x4e\x2f") -> None:
        if not micropython_available():
            raise MicroPythonUnavailable(
                "MicroPython's WebAssembly port is not installed; run scripts/setup.sh")
        self.link_path = Path(link_path) if link_path is not None else None
        self.unique_id = unique_id
        self._board = {"object_c": object_c, "ambient_c": ambient_c,
                       "target_mm": -1 if target_mm is None else target_mm}
        self.thermometer = RemoteSensor(self, "thermometer")
        self.proximity = RemoteSensor(self, "proximity")
        self.boots = 0
        self.pty_name: str | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._pty: PtyDevice | None = None
        self._control: socket.socket | None = None
        self._replies: Any = None
        self._lock = threading.Lock()

    @property
    def port_path(self) -> str:
        """What a host opens: the stable link if one was asked for, else the pty itself."""
        if self.link_path is not None:
            return str(self.link_path)
        if self.pty_name is None:
            raise RuntimeError("the MicroPython node is not plugged in")
        return self.pty_name

    def __enter__(self) -> MicroPythonThermometer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> str:
        """Plug in and boot; returns the port path."""
        self.plug_in()
        return self.port_path

    def stop(self) -> None:
        """Unplug for good."""
        self.unplug()

    def plug_in(self) -> None:
        """A new pty behind the link and a fresh interpreter booting the firmware."""
        with self._lock:
            if self._process is not None:
                return
            # Blocking: the master is the interpreter's stdio, which expects a plain file.
            self._pty = PtyDevice(self.link_path, blocking=True)
            master = self._pty.master
            self.pty_name = self._pty.path
            ours, theirs = socket.socketpair()
            setup = {"root": DEVICE_ROOT, "unique_id": self.unique_id.hex(), **self._board,
                     "files": self._file_map(), "control_fd": theirs.fileno()}
            # The pty's master is the node's USB line: its stdin and stdout.
            self._process = subprocess.Popen(
                ["node", str(RUNNER), json.dumps(setup)], stdin=master, stdout=master,
                stderr=subprocess.PIPE, pass_fds=(theirs.fileno(),), cwd=RUNNER_DIR)
            theirs.close()
            self._control = ours
            self._replies = ours.makefile("r", encoding="utf-8")
            self.boots += 1

    def unplug(self) -> None:
        """Power off: the interpreter ends and the pty closes, as on a pulled USB cable."""
        with self._lock:
            process, self._process = self._process, None
            device, self._pty = self._pty, None
            if device is not None:
                device.remove_link()
            if process is not None:
                process.kill()
                process.wait(timeout=5)
                if process.stderr is not None:
                    process.stderr.close()
            if self._control is not None:
                self._replies.close()
                self._control.close()
                self._control = None
            if device is not None:
                device.close()

    def replug(self) -> None:
        """Unplug, then plug in again: a fresh boot with a new boot id."""
        self.unplug()
        self.plug_in()

    def inject_from_node(self, data: bytes) -> None:
        """Bytes on the wire from the node's side, as line noise would put them there."""
        if self._pty is None:
            raise RuntimeError("the MicroPython node is not plugged in")
        self._pty.write_all(data)

    def pwm_duty(self, pin: int) -> int:
        """The duty the firmware drives an LED or buzzer pin at now."""
        return int(self.ask({"pwm": pin})["duty"])

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        """One control request to the interpreter and its answer."""
        if self._control is None:
            raise RuntimeError("the MicroPython node is not plugged in")
        self._control.sendall(json.dumps(request).encode() + b"\n")
        line = self._replies.readline()
        if not line:
            raise RuntimeError(f"the MicroPython node stopped: {self.stderr_tail()}")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"the MicroPython node refused {request}: {answer['error']}")
        return answer

    def stderr_tail(self) -> str:
        """What the interpreter printed (its boot line, or why it stopped); after it ended."""
        process = self._process
        if process is None or process.poll() is None or process.stderr is None:
            return ""
        return process.stderr.read().decode("utf-8", "replace")[-2000:]

    @staticmethod
    def _file_map() -> list[tuple[str | None, str]]:
        files: list[tuple[str | None, str]] = [
            (str(ROOT / name), f"{DEVICE_ROOT}/{name}") for name in _FILES]
        files += [(None, f"{DEVICE_ROOT}/{name}") for name in _EMPTY_PACKAGES]
        files += [(str(RUNNER_DIR / name), f"{DEVICE_ROOT}/{name}")
                  for name in ("machine.py", "node_main.py")]
        return files
