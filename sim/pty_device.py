"""A device's end of a raw pseudo-terminal: the host opens it like a USB-serial port.

Every simulated serial device (thermometer node, QR reader module) and every scripted device
in the tests sits on one of these. The slave side is made raw at once (with echo on, the
device's own bytes would come back to it) and kept open by the device, so the pty survives
the host closing and reopening its port. An optional stable symlink plays udev's
/dev/serial/by-id/… link: it appears on plug-in and goes on unplug.
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import tty
from pathlib import Path


class PtyDevice:
    """One plugged-in device: `port` is what the host opens; `close()` unplugs it."""

    def __init__(self, link: str | Path | None = None, blocking: bool = False) -> None:
        """Open a raw pty pair; `blocking=False` makes `write` drop what does not fit, as
        USB CDC does when nobody reads (a process given the master as stdio wants blocking)."""
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        os.set_blocking(self.master, blocking)
        self.path = os.ttyname(self.slave)
        self.link = Path(link) if link is not None else None
        self.bytes_written = 0
        self.bytes_dropped = 0
        self.closed = False
        if self.link is not None:
            # Swap the link in one step: a host never sees it missing or half-made.
            temporary = self.link.with_name(self.link.name + ".new")
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
            temporary.symlink_to(self.path)
            temporary.replace(self.link)

    @property
    def port(self) -> str:
        """What the host opens: the stable link if one was asked for, else the pty."""
        return str(self.link or self.path)

    def any(self) -> bool:
        """True when the host has sent bytes not yet read."""
        readable, _, _ = select.select([self.master], [], [], 0)
        return bool(readable)

    def read(self, size: int, timeout: float | None = 0.0) -> bytes:
        """Up to `size` bytes the host sent, waiting at most `timeout` seconds for the first
        (None: until some come); b"" when none came or no host has the port open (EIO)."""
        readable, _, _ = select.select([self.master], [], [], timeout)
        if not readable:
            return b""
        try:
            return os.read(self.master, size)
        except BlockingIOError:
            return b""
        except OSError as exc:
            if exc.errno == errno.EIO:
                return b""
            raise

    def write(self, data: bytes | bytearray | memoryview) -> int:
        """Put bytes on the line without waiting: what does not fit is dropped and counted,
        like a USB CDC device whose host is not reading. Returns the bytes taken."""
        view = memoryview(data)
        taken = 0
        while view:
            try:
                written = os.write(self.master, view)
            except OSError:  # BlockingIOError included: the pty buffer is full
                break
            taken += written
            view = view[written:]
        self.bytes_written += taken
        self.bytes_dropped += len(view)
        return taken

    def write_all(self, data: bytes | bytearray | memoryview) -> None:
        """Put every byte on the line, waiting while the host's buffer is full."""
        view = memoryview(data)
        while view:
            try:
                written = os.write(self.master, view)
            except BlockingIOError:
                select.select([], [self.master], [], 0.5)
                continue
            self.bytes_written += written
            view = view[written:]

    def close(self) -> None:
        """Unplug: the stable link goes (if it still names this pty) and the pty closes, so
        the host's reads fail as on a pulled USB cable. Safe to call twice."""
        if self.closed:
            return
        self.closed = True
        self.remove_link()
        for fd in (self.master, self.slave):
            with contextlib.suppress(OSError):
                os.close(fd)

    def remove_link(self) -> None:
        """Take the stable link away (first step of an unplug), if it still names this pty."""
        if self.link is not None and self._link_is_ours():
            with contextlib.suppress(FileNotFoundError):
                self.link.unlink()

    def _link_is_ours(self) -> bool:
        # udev removes only the unplugged device's link, never a newer device's at that name.
        assert self.link is not None
        try:
            return os.readlink(self.link) == self.path
        except OSError:
            return False

    def __enter__(self) -> PtyDevice:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
