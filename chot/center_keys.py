"""The center's public keys a config names (`center_keys`), read at start by the commands
that check signed policies and trust lists with them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chot.failure import fail, said


def read_center_keys(paths: list[Path]) -> Any:
    """The keys, or exit code 2 after printing which file cannot be used and why."""
    from screening.files import FileProblem, read_verify_key

    try:
        return [read_verify_key(path) for path in paths]
    except FileProblem as exc:
        return fail(f"{said('center_key_unusable')}: {exc}", exc.reason)
