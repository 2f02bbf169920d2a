"""Ages and clock times as staff read them ('12 giây trước', '3m', '10:00:03 ICT')."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from screening.words import t


def age_text(seconds: float, lang: str) -> str:
    """A short human age: '12 giây trước' / '3 min ago' / '5 h ago'."""
    if seconds < 90:
        return t("seconds_ago", lang, s=max(0, round(seconds)))
    if seconds < 90 * 60:
        return t("minutes_ago", lang, m=round(seconds / 60))
    return t("hours_ago", lang, h=round(seconds / 3600))


def short_age(seconds: float) -> str:
    """A compact age for the status bar: '12s', '3m', '5h', '2d'."""
    if seconds < 90:
        return f"{max(0, round(seconds))}s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)}m"
    if seconds < 48 * 3600:
        return f"{round(seconds / 3600)}h"
    return f"{round(seconds / 86400)}d"


VIETNAM_TIME = timezone(timedelta(hours=7), "ICT")


def clock_text(moment: datetime) -> str:
    """HH:MM:SS in Vietnam time, whatever the kiosk's own zone is set to."""
    return moment.astimezone(VIETNAM_TIME).strftime("%H:%M:%S")
