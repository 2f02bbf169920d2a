"""Config sections for alerts, the daily report, publishing and the dashboard.

Each is a strict model (unknown keys refused, the bad key named) with defaults, so a center
config without them still starts: `[alerts]`, `[report]`, `[publish]`, `[dashboard]`.
"""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator

from center.config import CenterConfig
from center.day import DEFAULT_TZ, zone
from center.registry import Registry, load_registry
from infra.config import ConfigProblem, Strict, parse_config, read_toml, readable_file

HHMM_RE = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")


class AlertsConfig(Strict):
    """Which messages are quarantined or alerted, and how often noisy alerts may repeat."""

    known_posts: list[str] | None = Field(
        None, description="posts of the province; events from others are quarantined")
    max_skew_s: float = Field(300.0, gt=0, description="kiosk clock ahead by more: alert")
    flood_per_minute: int = Field(60, ge=1, description="events per kiosk per minute of "
                                  "event time above which each further one is alerted")
    flood_quarantine: bool = Field(False, description="quarantine events over the flood "
                                   "cap instead of storing them")
    throttle_s: float = Field(300.0, ge=0, description="repeat interval of noisy alerts")
    gap_after_s: float = Field(300.0, gt=0, description="a gap in a kiosk's sequence numbers "
                               "open this long raises one alert (the gateway resends "
                               "unacknowledged events after 60 s, then 120 s …)")
    kiosks_per_post: int = Field(64, ge=1, description="learning (no registry): kiosks kept "
                                 "per post; a newcomer pushes out the one unheard of longest")
    flap_changes: int = Field(4, ge=2, description="link changes of one device within "
                              "flap_window_s that make it flapping: one link_flapping alert, "
                              "no further link alerts or history rows until it keeps still")
    flap_window_s: float = Field(300.0, gt=0, description="see flap_changes")
    will_confirm_s: float = Field(3.0, ge=0, description="a Last Will (offline, "
                                  "connection_lost) is alerted after this long, unless the "
                                  "device is back or this center lost its own broker meanwhile "
                                  "(a broker shutting down sends everyone's wills)")
    broker_grace_s: float = Field(60.0, ge=0, description="after this center's own broker "
                                  "comes back: a post's or kiosk's Last Will is alerted only "
                                  "if it is not back online within this time (a restarted "
                                  "broker sends the wills of everyone it had)")


class ReportConfig(Strict):
    """The daily situation report: when it is written, where, in which formats."""

    at: str = Field("16:00", description="local time HH:MM the report is written each day")
    timezone: str = DEFAULT_TZ
    folder: Path | None = Field(None, description="default: 'reports' beside the store")
    formats: list[Literal["csv", "html", "md"]] = ["html", "csv", "md"]

    @field_validator("at")
    @classmethod
    def _hh_mm(cls, value: str) -> str:
        if not HHMM_RE.match(value):
            raise ValueError(f"must be HH:MM (24 h), got {value!r}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        zone(value)
        return value

    def local_time(self) -> time:
        """The configured time of day."""
        hours, minutes = self.at.split(":")
        return time(int(hours), int(minutes))


class PublishConfig(Strict):
    """The center's signing key for policies and trust lists, and its ledger of versions."""

    key: Path | None = Field(None, description="center private key (chot keys generate)")
    ledger: Path | None = Field(None, description="default: the store's folder")


class DashboardConfig(Strict):
    """The operators' screen."""

    language: Literal["vi", "en"] = "vi"
    refresh_s: float = Field(2.0, gt=0)


class CenterSections(Strict):
    """All of this module's sections together."""

    alerts: AlertsConfig = AlertsConfig()
    report: ReportConfig = ReportConfig()
    publish: PublishConfig = PublishConfig()
    dashboard: DashboardConfig = DashboardConfig()


def sections_of(cfg: Any) -> CenterSections:
    """The sections of a center config, with defaults for those it does not have."""
    found = {name: getattr(cfg, name) for name in CenterSections.model_fields
             if getattr(cfg, name, None) is not None}
    return CenterSections(**found)


def load_center_config(path: str | Path) -> tuple[CenterConfig, CenterSections]:
    """Read a center TOML file: ingest's keys into CenterConfig, this module's sections apart.

    Raises ConfigProblem naming the bad key, as every config loader here does (the registry
    file it names is read and checked too).
    """
    data = read_toml(path)
    mine = {name: data.pop(name) for name in CenterSections.model_fields if name in data}
    cfg = parse_config(data, CenterConfig, path)
    if (cfg.registry is None) != cfg.learn_kiosks:
        raise ConfigProblem(path, "registry: cần đúng một trong registry = \"/etc/chot/"
                            "registry.toml\" (danh mục tỉnh) hoặc learn_kiosks = true (demo, "
                            "mô phỏng) / set exactly one of registry = \"/etc/chot/registry."
                            "toml\" (the province registry) or learn_kiosks = true (demo, "
                            "simulator)")
    registry_of(cfg)
    return cfg, parse_config(mine, CenterSections, path)


def registry_of(cfg: CenterConfig) -> Registry | None:
    """The registry the config names, read and checked; None when it names none."""
    if cfg.registry is None:
        return None
    registry = load_registry(readable_file(cfg.registry, "registry", "config_invalid"))
    if registry.province != cfg.province:
        raise ConfigProblem(cfg.registry, f"province: {registry.province!r} khác cấu hình "
                            f"trung tâm / differs from the center's {cfg.province!r}")
    return registry
