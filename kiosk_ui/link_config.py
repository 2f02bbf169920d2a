"""A kiosk's link to its post broker as configured (read by `chot sim load` and the kiosk)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from infra.config import DAY_S, BrokerConfig, Strict


class JournalConfig(Strict):
    """A kiosk's durable event journal."""

    path: Path
    retention_s: float = Field(DAY_S, ge=0)


class KioskLinkConfig(Strict):
    """A kiosk's identity, journal and post broker (read by `chot sim load`)."""

    province: str = Field(min_length=1)
    post: str = Field(min_length=1)
    kiosk: str = Field(min_length=1)
    journal: JournalConfig
    broker: BrokerConfig
    resend_after_s: float = Field(30.0, gt=0)
    center_keys: list[Path] = []
    state_interval_s: float = Field(5.0, gt=0)
