"""CertLogic date-times: the accepted text forms, `plusTime` arithmetic and `dccDateOfBirth`."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta, timezone

DATE_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+?)?(Z|([+-])(\d{1,2}):?(\d{2})?)?$",
    re.ASCII)
DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$", re.ASCII)
YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)
YEAR = re.compile(r"^(\d{4})$", re.ASCII)
TIME_UNITS = ("year", "month", "day", "hour")


class DateTimeError(ValueError):
    """Text that is not one of CertLogic's date(-time) forms, or a date out of range."""


class DateTime:
    """An instant made by `plusTime` or `dccDateOfBirth`: UTC, millisecond precision.

    No `__eq__`: JavaScript's `===` compares dates by identity, and CertLogic follows it.
    """

    __slots__ = ("instant",)

    def __init__(self, instant: datetime) -> None:
        self.instant = instant.astimezone(UTC)

    def iso(self) -> str:
        """As JavaScript's `Date.toISOString()`: 2021-06-01T00:00:00.000Z."""
        moment = self.instant
        return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"

    def __repr__(self) -> str:
        return f"DateTime({self.iso()})"


def parse(text: str) -> DateTime:
    """A date or date-time in one of the spec's forms; no offset means UTC, a date is midnight.

    Partial dates (YYYY, YYYY-MM) are rounded up to the last day, as dates of birth are.
    """
    if match := DATE_TIME.match(text):
        year, month, day, hour, minute, second = (int(match[i]) for i in range(1, 7))
        millis = int((match[7] or ".0")[1:4].ljust(3, "0"))  # truncated, never rounded
        zone = UTC if match[8] in (None, "Z") else _offset(match[9], match[10], match[11])
        return DateTime(_moment(year, month, day, hour, minute, second, millis, zone))
    return date_of_birth(text)


def date_of_birth(text: str) -> DateTime:
    """`dccDateOfBirth`: YYYY → 31 December, YYYY-MM → the month's last day, at midnight UTC."""
    if match := DATE.match(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := YEAR_MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        day = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
    elif match := YEAR.match(text):
        year, month, day = int(match[1]), 12, 31
    else:
        raise DateTimeError(f"not an allowed date or date-time format: {text[:40]!r}")
    return DateTime(_moment(year, month, day, 0, 0, 0, 0, UTC))


def plus_time(moment: DateTime, amount: int, unit: str) -> DateTime:
    """Add whole units in UTC the way JavaScript's setUTC* does: overflow, never clamping.

    31 January + 1 month is 3 March (2 March in a leap year); 29 February + 1 year is 1 March.
    """
    instant = moment.instant
    try:
        if unit == "hour":
            return DateTime(instant + timedelta(hours=amount))
        if unit == "day":
            return DateTime(instant + timedelta(days=amount))
        step = amount if unit == "month" else 12 * amount
        months = instant.year * 12 + instant.month - 1 + step
        year, month0 = divmod(months, 12)
        first = instant.replace(year=year, month=month0 + 1, day=1)
        return DateTime(first + timedelta(days=instant.day - 1))
    except (ValueError, OverflowError):
        raise DateTimeError(f"{moment.iso()} plus {amount} {unit} is out of range") from None


def _offset(sign: str, hours: str, minutes: str | None) -> timezone:
    span = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if int(hours) > 23 or int(minutes or 0) > 59:
        raise DateTimeError(f"time-zone offset {sign}{hours}:{minutes or '00'} out of range")
    return timezone(-span if sign == "-" else span)


def _moment(year: int, month: int, day: int, hour: int, minute: int, second: int,
            millis: int, zone: timezone) -> datetime:
    try:
        local = datetime(year, month, day, hour, minute, second, millis * 1000, tzinfo=zone)
        return local.astimezone(UTC)
    except (ValueError, OverflowError):
        raise DateTimeError(
            f"no such date-time: {year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}"
            f":{second:02d}") from None
