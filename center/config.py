"""TOML configuration of the center (`chot center --config F`), validated at start."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from gateway.config import BrokerConfig, Strict


class StoreConfig(Strict):
    """Where the center keeps its events."""

    path: Path


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
