"""TOML configuration of the center (`chot center --config F`), validated at start."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator, model_validator

from infra.config import BrokerConfig, Strict

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class StoreConfig(Strict):
    """Where the center keeps its events: one SQLite file, or PostgreSQL for several instances."""

    path: Path | None = Field(None, description="SQLite file (one center instance)")
    url: str | None = Field(None, description="postgresql://user@host:port/db, shared by "
                            "several instances (password: PGPASSWORD or ~/.pgpass)")
    folder: Path | None = Field(None, description="this instance's files (reports, ledger, "
                                "log); default: the SQLite file's folder, or the working "
                                "directory with url")
    retention_days: float = Field(30.0, gt=0, description="days after which travellers' "
                                  "details are deleted from stored events (counts stay)")

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
    """How ingest batches its commits and acks, and how much one post may send."""

    share_group: str = Field("center", min_length=1)
    batch_max: int = Field(2000, ge=1)
    post_share_per_s: float = Field(500.0, ge=0, description="events per second each post "
                                    "is always given; beyond it a post is taken in only while "
                                    "every other post is quiet, else held back: not "
                                    "acknowledged, so its gateway resends later (0: no share)")
    post_share_burst: float = Field(5_000.0, ge=1, description="events a post may send at "
                                    "once above its share")
    share_quiet_s: float = Field(2.0, gt=0, description="a post silent this long leaves the "
                                 "center to the others")
    quantum: int = Field(50, ge=1, description="events per post per round while several "
                         "posts send (one commit)")
    sessions: int = Field(32, ge=1, description="MQTT sessions the posts are spread over, "
                          "each with its own bounded broker queue")
    window: int = Field(256, ge=1, le=65535, description="messages each session may hold "
                        "unacknowledged (MQTT Receive Maximum)")
    quarantine_per_post_hour: int = Field(1000, ge=0, description="quarantine rows kept per "
                                          "post per hour; further ones are only counted")


class CenterConfig(Strict):
    """`chot center --config F`."""

    province: str = Field(min_length=1)
    instance: str = Field("center-1", min_length=1)
    store: StoreConfig
    broker: BrokerConfig
    ingest: IngestConfig = IngestConfig()
    registry: Path | None = Field(None, description="the province's registry (posts and "
                                  "their kiosks; the file `chot broker access` reads): only "
                                  "its devices' events and states are kept. Required unless "
                                  "learn_kiosks = true")
    learn_kiosks: bool = Field(False, description="no registry: learn kiosks as they send "
                               "(demo, simulator); [alerts] kiosks_per_post are kept per post, "
                               "the one unheard of longest making way for a newcomer")
