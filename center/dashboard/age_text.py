"""Ages on the dashboard: '42 s', '5 ph' / '5 min', '3 g' / '3 h'."""

from __future__ import annotations

from screening.words import t


def age(seconds: float | None, lang: str = "vi") -> str:
    """A short age such as '42 s', '5 ph' / '5 min', '3 g' / '3 h'; '—' when unknown."""
    if seconds is None:
        return "—"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return t("age_minutes", lang, m=f"{seconds / 60:.0f}")
    return t("age_hours", lang, h=f"{seconds / 3600:.1f}")
