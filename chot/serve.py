"""A Textual app served to browsers (textual-serve), for `chot kiosk --serve` and
`chot center --serve`; an address already taken is a clear answer, not a traceback."""

from __future__ import annotations

import errno
import socket

from chot.failure import fail


def serve_app(command: str, host: str, port: int, title: str) -> int:
    """Serve `command`'s app on host:port until interrupted; exit code 2 if it cannot listen."""
    problem = _cannot_listen(host, port)
    if problem is not None:
        return _refuse(host, port, problem)
    from textual_serve.server import Server

    try:
        Server(command, host=host, port=port, title=title).serve()
    except OSError as exc:  # taken between the check and the server's own bind
        return _refuse(host, port, exc)
    return 0


def _cannot_listen(host: str, port: int) -> OSError | None:
    # Checked before textual-serve prints "Serving …": its bind fails after that, with a
    # traceback. SO_REUSEADDR as aiohttp sets it, so a port in TIME_WAIT is not refused.
    try:
        for family, kind, proto, _name, address in socket.getaddrinfo(
                host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE):
            with socket.socket(family, kind, proto) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind(address)
    except OSError as exc:
        return exc
    except OverflowError as exc:  # a port past 65535
        return OSError(errno.EINVAL, str(exc))
    return None


def _refuse(host: str, port: int, exc: OSError) -> int:
    if exc.errno == errno.EADDRINUSE:
        return fail(f"Cổng {host}:{port} đang được dùng / port {host}:{port} is already in "
                    "use", "port_in_use")
    return fail(f"Không mở được cổng {host}:{port} / cannot listen on {host}:{port}: "
                f"{exc.strerror or exc}", "listen_failed")
