"""TOML configuration of the center (`chot center --config F`), validated at start."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator, model_validator

from gateway.config import BrokerConfig, Strict

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class StoreConfig(Strict):
    """Where the center keeps its events: one SQLite file, or PostgreSQL for several instances."""

    path: Path | None = Field(None, description="SQLite file (one center instance)")
    url: str | None = Field(None, description="postgresql://user@host:port/db, shared by "
                            "several instances (password: PGPASSWORD or ~/.pgpass)")
    folder: Path | None = Field(None, description="this instance's files (reports, ledger, "
                                "log); default: the SQLite file's folder, or the working "
                                "directory with url")

    @field_validator("url")
    @classmethod
    def _postgres_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(POSTGRES_SCHEMES):
            raise ValueError("phải bắt đầu bằng postgresql:// / must start with postgresql://")
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> StoreConfig:
        if (self.path is None) == (self.url is None):
            raise ValueError("cần đúng một trong store.path (SQLite) hoặc store.url "
                             "(PostgreSQL) / set exactly one of store.path (SQLite) or "
                             "store.url (PostgreSQL)")
        return self

    def where(self) -> str:
        """The file or the URL without its password, for messages and logs."""
        if self.url is None:
            return str(self.path)
        from center.stores.postgres import without_password

        return without_password(self.url)

    def files_folder(self) -> Path:
        """Where this instance's files go by default (reports, ledger, log)."""
        if self.folder is not None:
            return self.folder
        return self.path.parent if self.path is not None else Path.cwd()


class IngestConfig(Strict):
    """How ingest batches its commits and acks."""

    share_group: str = Field("center", min_length=1)
    batch_max: int = Field(2000, ge=1)


class CenterConfig(Strict):
    """`chot center --config F`."""

    province: str = Field(min_length=1)
    instance: str = Field("center-1", min_length=1)
    store: StoreConfig
    broker: BrokerConfig
    ingest: IngestConfig = IngestConfig()
