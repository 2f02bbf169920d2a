"""A TCP proxy standing in for a post's 3G/4G uplink, controlled by tests and scenarios.

Point the gateway at the proxy instead of the broker, then `cut()` (connections reset and new
ones refused), `stall()` (connections stay open but nothing moves, as when a mobile link dies
silently), `set_delay()`, `drop()` (one flap) and `restore()`.
"""

from __future__ import annotations

import collections
import contextlib
import select
import socket
import struct
import threading
import time
from dataclasses import dataclass
from types import TracebackType

from sim.broker import free_port

CHUNK = 65536


@dataclass
class UplinkStats:
    """What went through the proxy."""

    connections: int = 0
    refused: int = 0
    bytes_up: int = 0
    bytes_down: int = 0


class _Pipe:
    """One direction of one connection: a reader and a writer thread with a delay line."""

    def __init__(self, uplink: Uplink, src: socket.socket, dst: socket.socket, up: bool) -> None:
        self.uplink, self.src, self.dst, self.up = uplink, src, dst, up
        self._line: collections.deque[tuple[float, bytes]] = collections.deque()
        self._ready = threading.Condition()
        self._closed = False
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._write, daemon=True).start()

    def _read(self) -> None:
        while not self._closed:
            if self.uplink.stalled:
                time.sleep(0.02)
                continue
            try:
                readable, _, _ = select.select([self.src], [], [], 0.1)
                if not readable:
                    continue
                data = self.src.recv(CHUNK)
            except (OSError, ValueError):
                break
            if not data:
                break
            with self._ready:
                self._line.append((time.monotonic() + self.uplink.delay_s, data))
                self._ready.notify()
        self.close()

    def _write(self) -> None:
        while True:
            with self._ready:
                while not self._line and not self._closed:
                    self._ready.wait(0.1)
                if self._closed and not self._line:
                    return
                due, data = self._line[0]
            wait = due - time.monotonic()
            if wait > 0 or self.uplink.stalled:
                time.sleep(min(max(wait, 0.0), 0.05) or 0.02)
                continue
            with self._ready:
                self._line.popleft()
            # Counted before sending, so whoever receives the bytes already sees them counted.
            if self.up:
                self.uplink.stats.bytes_up += len(data)
            else:
                self.uplink.stats.bytes_down += len(data)
            try:
                self.dst.sendall(data)
            except OSError:
                self.close()
                return

    def close(self) -> None:
        with self._ready:
            self._closed = True
            self._line.clear()
            self._ready.notify_all()
        for sock in (self.src, self.dst):
            _reset(sock)


class Uplink:
    """The proxy: listen on a loopback port, forward to (target_host, target_port)."""

    def __init__(self, target_host: str, target_port: int, host: str = "127.0.0.1",
                 port: int | None = None) -> None:
        self.target = (target_host, target_port)
        self.host, self.port = host, port or free_port(host)
        self.stats = UplinkStats()
        self.delay_s = 0.0
        self.stalled = False
        self._cut = False
        self._pipes: list[_Pipe] = []
        self._lock = threading.Lock()
        self._server = socket.create_server((self.host, self.port), reuse_port=False)
        self._server.settimeout(0.1)
        self._running = True
        self._thread = threading.Thread(target=self._accept, name="uplink", daemon=True)
        self._thread.start()

    def cut(self) -> None:
        """The link goes down: open connections are reset, new ones refused."""
        self._cut = True
        self._close_all()

    def stall(self) -> None:
        """The link goes silent: connections stay open, no byte moves either way."""
        self.stalled = True

    def drop(self) -> None:
        """One flap: reset the open connections, accept new ones at once."""
        self._close_all()

    def restore(self) -> None:
        """The link is back."""
        self._cut = False
        self.stalled = False

    def set_delay(self, seconds: float) -> None:
        """Added one-way latency for every byte from now on."""
        self.delay_s = max(0.0, seconds)

    @property
    def is_cut(self) -> bool:
        """Whether the link is down."""
        return self._cut

    def close(self) -> None:
        """Stop listening and reset every connection."""
        self._running = False
        self._close_all()
        self._server.close()
        self._thread.join(2.0)

    def __enter__(self) -> Uplink:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _accept(self) -> None:
        while self._running:
            try:
                client, _addr = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self._cut:
                self.stats.refused += 1
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5.0)
            except OSError:
                self.stats.refused += 1
                _reset(client)
                continue
            for sock in (client, upstream):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.stats.connections += 1
            with self._lock:
                self._pipes = [p for p in self._pipes if not p._closed]
                self._pipes += [_Pipe(self, client, upstream, True),
                                _Pipe(self, upstream, client, False)]

    def _close_all(self) -> None:
        with self._lock:
            pipes, self._pipes = self._pipes, []
        for pipe in pipes:
            pipe.close()


def _reset(sock: socket.socket) -> None:
    """Close with RST (linger 0), as a dead mobile link looks to the far end."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()
