"""A post's or kiosk's alarm codes as a word or two each ('clock_jump' → 'Lệch giờ')."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from screening.words import known, t


def alarms_text(codes: Sequence[str], lang: str) -> Text:
    """The alarms in the reader's language; a code the catalogue does not know stays a code."""
    words = [t(f"alarm.short.{code}", lang) if known(f"alarm.short.{code}") else code
             for code in codes]
    return Text(", ".join(words), style="bold yellow")
