"""Schema versions of the durable SQLite files, and the steps that bring an older file up.

Every file records its version in SQLite's own header (PRAGMA user_version; 0 in files written
before versions were kept). At open, each newer step runs in one transaction together with
its version bump, so a crash leaves the file at the old version or the new, never between;
a file written by newer code is refused rather than misread. Tables are still created with
CREATE … IF NOT EXISTS at every start: a step is for what that cannot do (rename, split,
rewrite rows), and a step once shipped is never edited, only followed by a new one.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from infra.config import ConfigProblem

log = logging.getLogger(__name__)


Target = TypeVar("Target")


@dataclass(frozen=True)
class Migration(Generic[Target]):
    """One schema step: the version it brings a store to, what it changes, how (given the
    open transaction: a SQLite connection here, the center's Transaction for its store)."""

    version: int
    does: str
    apply: Callable[[Target], None]


def unchanged(_target: Any) -> None:
    """The step of version 1: the tables as the first releases made them, nothing to change."""


def plan(found: int, steps: Sequence[Migration[Target]], where: str | Path,
         store: str) -> list[Migration[Target]]:
    """The steps a store at version `found` needs, in order.

    Raises ConfigProblem (store_too_new) for a version this code does not know.
    """
    newest = steps[-1].version if steps else 0
    if found > newest:
        raise ConfigProblem(where, f"{store}: lược đồ phiên bản {found}, mới hơn bản chot này "
                                   f"({newest}): hãy nâng cấp chot / schema version {found} is "
                                   f"newer than this chot's ({newest}): upgrade chot",
                            "store_too_new")
    return [step for step in steps if step.version > found]


def schema_version(conn: sqlite3.Connection) -> int:
    """The version recorded in the file (0: written before versions were kept)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, path: str | Path, store: str,
            steps: Sequence[Migration[sqlite3.Connection]]) -> int:
    """Bring a SQLite file to the newest version in `steps` (ascending); returns its version.

    Raises ConfigProblem (store_too_new) for a file whose version this code does not know.
    """
    found = schema_version(conn)
    for step in plan(found, steps, path, store):
        conn.execute("BEGIN IMMEDIATE")
        try:
            step.apply(conn)
            conn.execute(f"PRAGMA user_version={int(step.version)}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        log.info("%s %s: schema version %d (%s)", store, path, step.version, step.does)
        found = step.version
    return found
