"""`chot kiosk --serve`: the same UI served to a tablet's browser through textual-serve."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from infra.polling import wait_until


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_a_browser_with_the_terminal_page(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('post = "p"\n[camera]\nsimulated = true\n')
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "chot", "kiosk", "--config", str(config),
                               "--serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def page_served() -> str:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as reply:
                    assert reply.status == 200
                    return str(reply.read().decode())
            except OSError:
                return ""

        wait_until(page_served, 15, step=0.2)
        page = page_served()
        assert "textual.js" in page
        assert f"ws://127.0.0.1:{port}/ws" in page
    finally:
        server.terminate()
        server.wait(10)
