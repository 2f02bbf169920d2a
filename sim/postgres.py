"""A throwaway PostgreSQL cluster (tests, `chot bench center-store`): initdb in a temp folder,
a free loopback port, trust auth, deleted when stopped.

PostgreSQL refuses to run as root, so as root the folder is handed to the `postgres` user and
the server runs through `runuser`. Missing binaries raise PostgresMissing naming the package
to install, so a test fails with the fix instead of skipping.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from sim.broker import free_port

BIN_GLOB = "/usr/lib/postgresql/*/bin"


class PostgresMissing(RuntimeError):
    """initdb / pg_ctl are not installed."""


def postgres_bin() -> Path:
    """The newest installed PostgreSQL's bin folder; raises PostgresMissing with the fix."""
    found = sorted(glob.glob(BIN_GLOB), key=lambda p: int(Path(p).parent.name.split(".")[0]))
    for folder in reversed(found):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    raise PostgresMissing(f"PostgreSQL server binaries not found in {BIN_GLOB}: install them "
                          "with `apt-get install postgresql` (or run scripts/setup.sh)")


class PostgresCluster:
    """A private cluster on 127.0.0.1:port with trust auth; `database()` makes a fresh DB.

    durable=False turns fsync off: quick for tests; a benchmark keeps the server's defaults.
    """

    def __init__(self, durable: bool = False) -> None:
        self.durable = durable
        self.bin = postgres_bin()
        self.folder = Path(tempfile.mkdtemp(prefix="chot-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.user = "chot"
        self._run_as: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
            self._run_as = ["runuser", "-u", "postgres", "--"]
        self._databases = 0
        self._options = ""

    def start(self) -> PostgresCluster:
        """initdb and start the server; waits until it accepts connections."""
        self._tool("initdb", "-D", str(self.data), "-U", self.user, "--auth=trust",
                   "-E", "UTF8", "--no-sync")
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 "
                   f"-c unix_socket_directories={self.folder}")
        if not self.durable:
            # The cluster is thrown away, and the tests must stay quick on 2 cores.
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._options = options
        self._start()
        return self

    def url(self, database: str = "postgres") -> str:
        """A postgresql:// URL of one database of this cluster."""
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def database(self) -> str:
        """Create an empty database and return its URL."""
        import psycopg

        self._databases += 1
        name = f"center_{self._databases}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def __enter__(self) -> PostgresCluster:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def restart(self) -> None:
        """Stop the server (dropping every connection) and start it again."""
        self._tool("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        self._start()

    def stop(self) -> None:
        """Stop the server and delete the folder."""
        try:
            self._tool("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _start(self) -> None:
        self._tool("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"),
                   "-o", self._options, "-w", "-t", "30", "start")

    def _tool(self, name: str, *args: str) -> None:
        done = subprocess.run([*self._run_as, str(self.bin / name), *args],
                              capture_output=True, text=True, timeout=60, cwd=self.folder)
        if done.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text("utf-8", "replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{name} failed ({done.returncode}): {done.stderr}{tail}")
