"""A real browser for the tests: Debian's Chromium, headless, driven by Playwright, recording
every request the page makes and refusing any that would leave the machine."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page, sync_playwright

from infra.polling import wait_until

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As root, in a machine without a GPU or a network: no sandbox, no GPU process, none of the
# background connections Chromium makes by itself.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(args: list[str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    """`chot … --serve --port PORT` running until the block ends, answering HTTP."""
    server = subprocess.Popen([sys.executable, "-m", "chot", *args, "--serve", "--port",
                               str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        def answering() -> bool:
            if server.poll() is not None:
                raise AssertionError("the server ended before it answered")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                    return True
            except OSError:
                return False

        assert wait_until(answering, 20, step=0.2), "the server never answered"
        yield server
    finally:
        server.terminate()
        server.wait(10)


class Browser:
    """One page in headless Chromium; `requests` lists every URL it asked for, `refused` those
    that would have left the machine (they are aborted)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.requests: list[str] = []
        self.refused: list[str] = []
        page.route("**/*", self._route)

    def _route(self, route, request) -> None:  # type: ignore[no-untyped-def]
        self.requests.append(request.url)
        if urlsplit(request.url).hostname not in LOCAL_HOSTS:
            self.refused.append(request.url)
            route.abort()
        else:
            route.continue_()

    def open_terminal(self, url: str) -> None:
        """Load the page and wait until the app's first screen has arrived."""
        self.page.goto(url)
        self.page.wait_for_selector("body.-first-byte", timeout=30_000)
        # Keys go where a person's would after tapping the screen: to the terminal.
        self.page.click(".textual-terminal")

    def screenshot(self, path: Path) -> bytes:
        """A PNG of the page."""
        return self.page.screenshot(path=str(path))


@contextmanager
def chromium(width: int = 1100, height: int = 700) -> Iterator[Browser]:
    """A fresh headless Chromium with one page."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            yield Browser(page)
        finally:
            browser.close()
