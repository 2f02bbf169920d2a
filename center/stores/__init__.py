"""Where the center keeps what it knows: a SQLite file (one instance) or PostgreSQL (several).

`open_database` picks the backend from the config (`[store] path` or `[store] url`); the
tables (center.store, center.link_log, center.ward_book) are written once against `Database`.
"""

from __future__ import annotations

from pathlib import Path

from center.config import POSTGRES_SCHEMES, StoreConfig
from center.stores.database import Database, StoreUnavailable, Transaction

# A config section, a SQLite path, a postgresql:// URL, or None (SQLite in memory).
StoreLocation = StoreConfig | str | Path | None


def open_database(where: StoreLocation, read_only: bool = False) -> Database:
    """Open the database `where` names; raises StoreUnavailable when it cannot be reached."""
    if isinstance(where, StoreConfig):
        where = where.url if where.url is not None else where.path
    if isinstance(where, str) and where.startswith(POSTGRES_SCHEMES):
        from center.stores.postgres import PostgresDatabase

        return PostgresDatabase(where, read_only)
    from center.stores.sqlite import SqliteDatabase

    return SqliteDatabase(where, read_only)


__all__ = ["Database", "StoreLocation", "StoreUnavailable", "Transaction", "open_database"]
