"""A Textual app served to browsers (textual-serve), for `chot kiosk --serve` and
`chot center --serve`; an address already taken is a clear answer, not a traceback.

The page needs nothing from the internet, since a border post has none: textual-serve's own
page pulls its font from a public font service; ours (chot/web/templates) takes
textual-serve's bundled Roboto Mono for the letters and DejaVu Sans Mono, served here, for the
symbols and borders Roboto Mono lacks.
"""

from __future__ import annotations

import errno
import socket
from pathlib import Path

from aiohttp import web
from textual_serve.server import Server

from chot.failure import fail, said

TEMPLATES = Path(__file__).with_name("web") / "templates"
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
FONTS = {name: _DEJAVU / name for name in ("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf")}


class OfflineServer(Server):
    """textual-serve with chot's page and the symbol font served from this machine."""

    def __init__(self, command: str, host: str, port: int, title: str) -> None:
        super().__init__(command, host=host, port=port, title=title,
                         templates_path=TEMPLATES)

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.router.add_get("/chot-fonts/{name}", self._font)
        return app

    async def _font(self, request: web.Request) -> web.StreamResponse:
        path = FONTS.get(request.match_info["name"])
        if path is None or not path.exists():
            raise web.HTTPNotFound()
        return web.FileResponse(path, headers={"Cache-Control": "max-age=86400"})


def serve_app(command: str, host: str, port: int, title: str) -> int:
    """Serve `command`'s app on host:port until interrupted; exit code 2 if it cannot listen."""
    problem = _cannot_listen(host, port)
    if problem is not None:
        return _refuse(host, port, problem)
    try:
        OfflineServer(command, host, port, title).serve()
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
        return fail(said("port_in_use", host=host, port=port), "port_in_use")
    return fail(f"{said('cannot_listen', host=host, port=port)}: {exc.strerror or exc}",
                "listen_failed")
