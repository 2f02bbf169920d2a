"""The relay's TOML configuration (`chot gateway --config F`), validated at start."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from infra.config import DAY_S, BrokerConfig, Strict


class OutboxConfig(Strict):
    """The gateway's durable outbox."""

    path: Path
    retention_s: float = Field(DAY_S, ge=0)
    ack_timeout_s: float = Field(60.0, gt=0)
    max_size_mb: float | None = Field(None, gt=0)


class GatewayConfig(Strict):
    """`chot gateway --config F`."""

    province: str = Field(min_length=1)
    post: str = Field(min_length=1)
    outbox: OutboxConfig
    post_broker: BrokerConfig
    center_broker: BrokerConfig
    center_keys: list[Path] = []
    state_interval_s: float = Field(5.0, gt=0)
    clock_jump_s: float = Field(5.0, gt=0)
