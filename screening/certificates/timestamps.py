"""NumericDate claims (seconds since the epoch, as CWT and JWT carry them) read tolerantly."""

from __future__ import annotations

from datetime import UTC, datetime

MAX_SECONDS = 253402300799  # 9999-12-31T23:59:59Z: beyond it datetime cannot follow


def numeric_date(value: object) -> datetime | None:
    """A UTC time from an int or float NumericDate (issuers send both); None when not one."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not 0 <= value <= MAX_SECONDS:  # also false for NaN
        return None
    return datetime.fromtimestamp(int(value), UTC)
