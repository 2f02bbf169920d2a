"""The uplink proxy the fault tests rely on: forwards, delays, stalls, cuts, comes back."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from sim.uplink import Uplink


@pytest.fixture
def echo() -> Iterator[int]:
    """A TCP echo server on a free loopback port."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    running = True

    def serve(conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):  # the proxy resets connections on purpose
            while data := conn.recv(4096):
                conn.sendall(data)

    def accept() -> None:
        while running:
            try:
                conn, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    running = False
    thread.join()
    server.close()


def round_trip(port: int, data: bytes = b"ping", timeout: float = 2.0) -> float:
    """Seconds for data to come back through the proxy; raises OSError if it cannot."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        start = time.monotonic()
        sock.sendall(data)
        got = b""
        while len(got) < len(data):
            chunk = sock.recv(4096)
            if not chunk:
                raise ConnectionResetError("closed")
            got += chunk
        assert got == data
        return time.monotonic() - start


def test_forwards_and_adds_the_configured_delay(echo: int) -> None:
    with Uplink("127.0.0.1", echo) as uplink:
        assert round_trip(uplink.port) < 0.1
        uplink.set_delay(0.15)
        assert 0.3 <= round_trip(uplink.port) < 1.5  # one delay each way
        assert uplink.stats.bytes_up >= 8 and uplink.stats.bytes_down >= 8


def test_cut_refuses_and_resets_until_restored(echo: int) -> None:
    with Uplink("127.0.0.1", echo) as uplink:
        with socket.create_connection(("127.0.0.1", uplink.port)) as open_conn:
            uplink.cut()
            open_conn.settimeout(2)
            with pytest.raises(OSError):
                open_conn.sendall(b"x")
                if not open_conn.recv(10):
                    raise ConnectionResetError("closed by the cut")
        with pytest.raises(OSError):
            round_trip(uplink.port)
        assert uplink.stats.refused >= 1
        uplink.restore()
        assert round_trip(uplink.port) < 0.5


def test_stall_keeps_the_connection_but_moves_nothing(echo: int) -> None:
    with Uplink("127.0.0.1", echo) as uplink:
        uplink.stall()
        with pytest.raises(TimeoutError):
            round_trip(uplink.port, timeout=0.5)
        uplink.restore()
        assert round_trip(uplink.port) < 0.5
