"""The two families of signed certificates, for trust and revocation lists alike."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class Framework(StrEnum):
    """Which codes an entry vouches for: HC1 containers (EU DCC, WHO DDCC) or SMART cards."""

    HCERT = "hcert"
    SHC = "shc"


def framework_times(value: Any, key: str) -> dict[Framework, datetime]:
    """A `{framework: ISO time}` object (a list's fetch or publication times), naive times
    read as UTC; raises ValueError naming `key`."""
    if not isinstance(value, dict):
        raise ValueError(f"'{key}' must be an object")
    out = {}
    for name, text in value.items():
        try:
            moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
            out[Framework(name)] = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        except ValueError:
            raise ValueError(f"{key}[{str(name)[:20]!r}]: not a framework and ISO time") \
                from None
    return out
