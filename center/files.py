"""Files that hold personal data: folders made 0700 and files 0600, whatever the umask.

The center's database, its reports and its ledger may name travellers, so nobody else on the
machine may read them; a umask of 022 (the usual default) would make them world-readable.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(folder: Path) -> Path:
    """Create `folder` (and missing parents) 0700; an existing folder is left as it is."""
    missing = []
    for part in (folder, *folder.parents):
        if part.exists():
            break
        missing.append(part)
    folder.mkdir(parents=True, exist_ok=True)
    for part in missing:
        # mkdir's mode is masked by the umask; chmod is not.
        os.chmod(part, FOLDER_MODE)
    return folder


def private_file(path: Path) -> Path:
    """Create `path` empty if missing and make it 0600 (its folder 0700 if created).

    An existing file is chmod'ed, never opened: it may be a database this process has open,
    and closing a descriptor of it would drop SQLite's locks (see gateway.sqlite).
    """
    private_folder(path.parent)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    os.chmod(path, FILE_MODE)
    return path


def write_private(path: Path, data: bytes) -> Path:
    """Replace `path` atomically with `data`, readable by this user only."""
    tmp = private_file(path.with_name(path.name + ".tmp"))
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


def restrict(path: Path) -> None:
    """Make an existing file 0600 (SQLite's -wal and -shm beside a database)."""
    if path.exists():
        os.chmod(path, FILE_MODE)
