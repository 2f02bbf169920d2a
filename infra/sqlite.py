"""Opening SQLite files for durable use: WAL, fsync on every commit, a size cap, private modes.

Journals and outboxes hold names and ID numbers, so the files (and their WAL and shared-memory
companions) are 0600 and the folders we create for them 0700, before anything is written.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from infra.config import ConfigProblem

PAGE_SIZE = 4096
FILE_MODE = 0o600
FOLDER_MODE = 0o700
# SQLite creates these with the main file's mode; older ones are tightened here too.
COMPANIONS = ("-wal", "-shm", "-journal")


def open_durable(path: str | Path, max_size_mb: float | None = None) -> sqlite3.Connection:
    """A connection whose commits are on disk when they return (WAL + synchronous=FULL).

    max_size_mb caps the main file, so a full outbox is reported as SQLITE_FULL before the
    card itself fills and takes the operating system down with it. A path that cannot hold a
    database (a folder, an unwritable place) raises ConfigProblem.
    """
    path = Path(path)
    if path.is_dir():
        raise ConfigProblem(path, "là thư mục, không phải tệp / is a folder, not a file",
                            "store_path_is_folder")
    try:
        make_private_folder(path.parent)
        make_private_file(path)
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False,
                               timeout=30.0)
        conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
    except (OSError, sqlite3.Error) as exc:
        raise ConfigProblem(path, f"không mở được / cannot open: {exc}",
                            "store_unusable") from None
    if max_size_mb is not None:
        conn.execute(f"PRAGMA max_page_count={max(16, int(max_size_mb * 2**20 / PAGE_SIZE))}")
    return conn


def make_private_folder(folder: Path) -> None:
    """Create folder and any missing parents 0700; folders that exist are left as they are."""
    missing: list[Path] = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for created in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            created.mkdir(mode=FOLDER_MODE)
            created.chmod(FOLDER_MODE)  # mkdir's mode is filtered by the umask


def make_private_file(path: Path) -> None:
    """Create path 0600 if missing, else tighten it (and its SQLite companions) to 0600.

    An existing file is never opened: closing any descriptor of a database drops the locks
    SQLite holds on it in this process, and another process closing its own connection then
    deletes the WAL under the live one (commits acknowledged, then gone).
    """
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    for target in (path, *(path.with_name(path.name + suffix) for suffix in COMPANIONS)):
        # someone else's file: its owner decides, we still must be able to use it
        with contextlib.suppress(FileNotFoundError, PermissionError):
            target.chmod(FILE_MODE)


def write_private_file(path: Path, data: bytes) -> None:
    """Replace path atomically with data, 0600 from its first byte whatever the umask."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    # O_EXCL: never write into a file someone else created (and could already read).
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def relaxed_sync(conn: sqlite3.Connection) -> Iterator[None]:
    """Commit without waiting for fsync, for writes whose loss only costs a resend (acks).

    In WAL mode the next fully synced commit makes these durable too, in order.
    """
    conn.execute("PRAGMA synchronous=NORMAL")
    try:
        yield
    finally:
        conn.execute("PRAGMA synchronous=FULL")


def is_disk_full(exc: sqlite3.Error) -> bool:
    """True for SQLITE_FULL (disk or size cap reached) and ENOSPC-like I/O failures."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code == sqlite3.SQLITE_FULL or "full" in str(exc).lower()
