"""MicroPython's raw REPL, as mpremote speaks to it, over a directory standing in for flash.

The simulated node runs this instead of the firmware on a maintenance boot, so
`chot firmware deploy` (mpremote fs mkdir / cp / reset) can be run end to end without a board.
It executes what the host sends with a small set of builtins and stand-in modules confined to
the flash directory: enough for mpremote, not a security boundary (the simulator trusts the
machine it runs on).
"""

from __future__ import annotations

import builtins
import errno
import hashlib
import io
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sim.machine_model.board import BoardReset

BANNER = (b"MicroPython v1.24.1 on 2024-11-29; Raspberry Pi Pico with RP2040 (chot simulator)"
          b"\r\nType \"help()\" for more information.\r\n")
RAW_PROMPT = b"raw REPL; CTRL-B to exit\r\n>"
CTRL_A, CTRL_B, CTRL_C, CTRL_D, CTRL_E = b"\x01", b"\x02", b"\x03", b"\x04", b"\x05"
PASTE_WINDOW = 128
_SAFE_BUILTINS = ("abs", "bool", "bytes", "bytearray", "chr", "dict", "enumerate",
                  "Exception", "getattr", "hasattr", "hex", "int", "isinstance", "iter", "len",
                  "list", "map", "max", "memoryview", "min", "next", "ord", "range", "repr",
                  "sorted", "str", "tuple", "zip", "AttributeError", "ImportError",
                  "IndexError", "KeyError", "NameError", "OSError", "StopIteration",
                  "TypeError", "ValueError", "True", "False", "None")
_ERRNO_NAMES = {errno.ENOENT: "ENOENT", errno.EEXIST: "EEXIST", errno.EISDIR: "EISDIR",
                errno.ENOTDIR: "ENOTDIR", errno.EINVAL: "EINVAL", errno.EACCES: "EACCES",
                errno.ENOTEMPTY: "ENOTEMPTY"}


class Flash:
    """Paths on the device ("/main.py", "firmware/node.py") mapped into a host directory."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path(self, device_path: str) -> Path:
        """The host path for a device path; refuses anything that leaves the flash."""
        candidate = (self.root / device_path.lstrip("/")).resolve()
        if candidate != self.root and self.root not in candidate.parents:
            raise OSError(errno.EINVAL, "EINVAL")
        return candidate

    def open(self, device_path: str, mode: str = "r") -> Any:
        """builtins.open on the flash."""
        return open(self.path(device_path), mode)  # noqa: SIM115 - handed to device code

    def os_module(self) -> SimpleNamespace:
        """A stand-in for MicroPython's os module on this flash."""
        def ilistdir(device_path: str = "") -> Iterator[tuple[str, int, int, int]]:
            for entry in sorted(self.path(device_path).iterdir()):
                kind = stat.S_IFDIR if entry.is_dir() else stat.S_IFREG
                yield entry.name, kind, 0, 0 if entry.is_dir() else entry.stat().st_size

        return SimpleNamespace(
            stat=lambda p: tuple(os.stat(self.path(p)))[:10],
            mkdir=lambda p: os.mkdir(self.path(p)),
            rmdir=lambda p: os.rmdir(self.path(p)),
            remove=lambda p: os.remove(self.path(p)),
            rename=lambda a, b: os.rename(self.path(a), self.path(b)),
            ilistdir=ilistdir,
            listdir=lambda p="": sorted(e.name for e in self.path(p).iterdir()),
            getcwd=lambda: "/",
            sep="/",
        )


def _machine_module() -> SimpleNamespace:
    def reset() -> None:
        raise BoardReset("machine.reset from the REPL")
    return SimpleNamespace(reset=reset, soft_reset=reset, unique_id=lambda: b"\x00" * 8)


def _time_module() -> SimpleNamespace:
    import time
    return SimpleNamespace(sleep_ms=lambda ms: time.sleep(ms / 1000), sleep=time.sleep,
                           ticks_ms=lambda: int(time.monotonic() * 1000) & (2**30 - 1))


class RawRepl:
    """Bytes in from the host, bytes out through `write`: friendly prompt, raw REPL, exec."""

    def __init__(self, flash: Path, write: Callable[[bytes], object]) -> None:
        self._flash = Flash(flash)
        self._write = write
        self._raw = False
        self._pending = bytearray()
        self._paste: bytearray | None = None
        self._paste_unacked = 0
        self._globals: dict[str, Any] = {}
        self.soft_resets = 0
        self.executed = 0
        self._fresh_globals()

    def start(self) -> None:
        """What the board prints when it boots into the REPL."""
        self._write(BANNER + b">>> ")

    def feed(self, data: bytes) -> None:
        """Handle bytes from the host; raises BoardReset when the host resets the board."""
        self._pending += data
        while self._pending:
            if not self._step():
                return

    def _step(self) -> bool:
        pending = self._pending
        if not self._raw:
            byte = bytes(pending[:1])
            del pending[:1]
            if byte == CTRL_A:
                self._raw = True
                self._write(b"\r\n" + RAW_PROMPT)
            elif byte == CTRL_C:
                self._write(b"\r\n>>> ")
            elif byte == CTRL_D:
                raise BoardReset("soft reset from the friendly REPL")
            return True
        if self._paste is not None:
            return self._paste_step()
        if pending[:1] == CTRL_E:
            if len(pending) < 3:
                return False
            del pending[:3]
            # Raw paste: flow-controlled by windows, so mpremote need not pause between chunks.
            self._paste = bytearray()
            self._paste_unacked = 0
            self._write(b"R\x01" + PASTE_WINDOW.to_bytes(2, "little"))
            return True
        end = pending.find(CTRL_D)
        for control in (CTRL_B, CTRL_C):
            at = pending.find(control)
            if at >= 0 and (end < 0 or at < end):
                del pending[:at + 1]
                if control == CTRL_B:
                    self._raw = False
                    self._write(b"\r\n" + BANNER + b">>> ")
                return True
        if end < 0:
            return False
        code = bytes(pending[:end]).decode("utf-8", "replace")
        del pending[:end + 1]
        if not code.strip():
            self.soft_resets += 1
            self._fresh_globals()
            self._write(b"OK\r\nMPY: soft reboot\r\n" + RAW_PROMPT)
            return True
        self._write(b"OK")
        output, error = self._exec(code)
        self._write(output + CTRL_D + error + CTRL_D + b">")
        return True

    def _paste_step(self) -> bool:
        assert self._paste is not None
        pending = self._pending
        end = pending.find(CTRL_D)
        take = len(pending) if end < 0 else end
        self._paste += pending[:take]
        self._paste_unacked += take
        while self._paste_unacked >= PASTE_WINDOW:
            self._paste_unacked -= PASTE_WINDOW
            self._write(CTRL_A)  # room for another window
        if end < 0:
            del pending[:]
            return False
        del pending[:end + 1]
        code = self._paste.decode("utf-8", "replace")
        self._paste = None
        self._write(CTRL_D)
        output, error = self._exec(code)
        self._write(output + CTRL_D + error + CTRL_D + b">")
        return True

    def _fresh_globals(self) -> None:
        stdout = io.StringIO()
        modules = {"os": self._flash.os_module(), "machine": _machine_module(),
                   "time": _time_module(), "hashlib": hashlib, "errno": errno}

        def device_import(name: str, *args: Any, **kwargs: Any) -> Any:
            if name in modules:
                return modules[name]
            raise ImportError(f"no module named '{name}'")

        def device_print(*values: Any, end: str = "\n", sep: str = " ") -> None:
            stdout.write(sep.join(str(v) for v in values) + end)

        safe = {name: getattr(builtins, name) for name in _SAFE_BUILTINS}
        safe.update(__import__=device_import, open=self._flash.open, print=device_print)
        self._stdout = stdout
        self._globals = {"__builtins__": safe, "__name__": "__main__"}

    def _exec(self, code: str) -> tuple[bytes, bytes]:
        self.executed += 1
        self._stdout.seek(0)
        self._stdout.truncate()
        try:
            exec(compile(code, "<stdin>", "exec"), self._globals)
        except BoardReset:
            raise
        except Exception as exc:  # the device reports every error as a traceback
            return self._stdout.getvalue().encode(), _traceback(exc)
        return self._stdout.getvalue().encode(), b""


def _traceback(exc: Exception) -> bytes:
    if isinstance(exc, OSError) and exc.errno is not None:
        text = f"OSError: [Errno {exc.errno}] {_ERRNO_NAMES.get(exc.errno, exc.strerror)}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return (f'Traceback (most recent call last):\r\n  File "<stdin>", line 1, in <module>\r\n'
            f"{text}\r\n").encode()
