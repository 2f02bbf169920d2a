"""A durable SQLite file of events waiting for the center, beside the accepted documents.

The kiosk's journal and the gateway's outbox are both one: opened for durability (infra.sqlite),
brought to their newest schema version (infra.schema_version), one lock around the
connection, and the signed policy and trust list they accepted kept in the same file.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from infra.doc_store import SCHEMA as DOCS_SCHEMA
from infra.doc_store import read_doc, write_doc
from infra.schema_version import Migration, migrate
from infra.sqlite import open_durable


class EventFile:
    """The file, its lock and its documents; subclasses add their events."""

    def __init__(self, path: str | Path, max_size_mb: float | None, schema: str, store: str,
                 steps: Sequence[Migration[Any]]) -> None:
        self.path = Path(path)
        self._db = open_durable(path, max_size_mb)
        # A new file frees pages on request (Outbox.reclaim); no effect on an existing one.
        self._db.execute("PRAGMA auto_vacuum=INCREMENTAL")
        self._db.executescript(schema + DOCS_SCHEMA)
        self.schema_version = migrate(self._db, path, store, steps)
        self._lock = threading.Lock()

    def doc(self, kind: str) -> tuple[int, dict[str, Any]] | None:
        """The signed document of this kind accepted last: (version, envelope), or None."""
        with self._lock:
            return read_doc(self._db, kind)

    def put_doc(self, kind: str, version: int, envelope: dict[str, Any]) -> None:
        """Keep an accepted signed document (fsync), so a restart knows its version; an
        older version never replaces a newer one."""
        with self._lock:
            write_doc(self._db, kind, version, envelope)

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()


T = TypeVar("T")
IN_CHUNK = 500  # ids per `IN (…)`: below SQLite's limit on host parameters


def chunks(items: Sequence[T], size: int = IN_CHUNK) -> list[list[T]]:
    """items in consecutive lists of at most `size`."""
    return [list(items[i:i + size]) for i in range(0, len(items), size)]
