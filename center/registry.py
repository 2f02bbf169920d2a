"""The province's registry: its posts and their kiosks, its wards and its center instances.

One TOML file names every login the province's brokers accept and every kiosk the center
expects, so broker access (`chot broker access`) and ingest (unknown kiosks are quarantined)
read the same list. See deploy/examples/registry.toml.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, field_validator, model_validator

from infra.config import Strict, load_config

# Post, kiosk and instance codes become MQTT topic segments, usernames and client ids:
# letters, digits, '-' and '_' only, so none can smuggle '+', '#', '/' or '$share'.
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
WARD = re.compile(r"^[0-9]{5}$")
CENTER_PREFIX = "center"  # reserved for the center's own logins and client ids


def _code(value: str, what: str) -> str:
    if not CODE.match(value):
        raise ValueError(f"{what} {value!r}: chỉ chữ, số, '-' và '_' (tối đa 32) / "
                         f"letters, digits, '-' and '_' only (at most 32)")
    return value


class PostEntry(Strict):
    """One checkpoint: its code (the gateway's login) and its kiosks' ids."""

    code: str
    kiosks: list[str] = Field(min_length=1)

    @field_validator("code")
    @classmethod
    def _post_code(cls, value: str) -> str:
        _code(value, "post")
        if value.lower().startswith(CENTER_PREFIX):
            raise ValueError(f"post {value!r}: tên bắt đầu bằng 'center' dành cho trung tâm / "
                             "names starting with 'center' are reserved for the center")
        return value

    @field_validator("kiosks")
    @classmethod
    def _kiosk_codes(cls, value: list[str]) -> list[str]:
        for kiosk in value:
            _code(kiosk, "kiosk")
        if len(set(value)) != len(value):
            raise ValueError("kiosk ids must be unique within a post")
        return value


class WardEntry(Strict):
    """A destination ward that reads its own arrival notices."""

    code: str
    name: str = ""

    @field_validator("code")
    @classmethod
    def _ward_code(cls, value: str) -> str:
        if not WARD.match(value):
            raise ValueError(f"ward {value!r}: mã phường 5 chữ số / a 5-digit ward code")
        return value


class Registry(Strict):
    """Every post, kiosk, ward and center instance of one province."""

    province: str = Field(min_length=1)
    centers: list[str] = Field(["center-1"], min_length=1)
    post: list[PostEntry] = []
    ward: list[WardEntry] = []

    @field_validator("province")
    @classmethod
    def _province_code(cls, value: str) -> str:
        return _code(value, "province")

    @field_validator("centers")
    @classmethod
    def _center_names(cls, value: list[str]) -> list[str]:
        for name in value:
            _code(name, "center instance")
            if not name.startswith(CENTER_PREFIX):
                raise ValueError(f"center instance {name!r} must start with 'center'")
        return value

    @model_validator(mode="after")
    def _unique(self) -> Registry:
        posts = [p.code for p in self.post]
        if len(set(posts)) != len(posts):
            raise ValueError("post codes must be unique")
        wards = [w.code for w in self.ward]
        if len(set(wards)) != len(wards):
            raise ValueError("ward codes must be unique")
        return self

    def kiosks_of(self, post: str) -> frozenset[str] | None:
        """The kiosk ids registered at a post, or None for a post not in the registry."""
        for entry in self.post:
            if entry.code == post:
                return frozenset(entry.kiosks)
        return None


def load_registry(path: str | Path) -> Registry:
    """Read and validate a registry file; raises ConfigProblem naming the bad key."""
    return load_config(path, Registry)
