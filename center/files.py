"""Files that hold personal data: folders made 0700 and files 0600, whatever the umask.

The center's database, its reports and its ledger may name travellers, so nobody else on the
machine may read them; a umask of 022 (the usual default) would make them world-readable.
"""

from __future__ import annotations

from pathlib import Path

from infra.sqlite import make_private_file, make_private_folder, write_private_file


def private_folder(folder: Path) -> Path:
    """Create `folder` (and missing parents) 0700; an existing folder is left as it is."""
    make_private_folder(folder)
    return folder


def private_file(path: Path) -> Path:
    """Create `path` empty if missing and make it 0600 (its folder 0700 if created); an
    existing file is chmod'ed, never opened (infra.sqlite.make_private_file says why)."""
    make_private_folder(path.parent)
    make_private_file(path)
    return path


def write_private(path: Path, data: bytes) -> Path:
    """Replace `path` atomically with `data`, readable by this user only (its folder made
    0700 if created)."""
    make_private_folder(path.parent)
    write_private_file(path, data)
    return path
