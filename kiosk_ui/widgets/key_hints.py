"""The key hints line: every action's key, in the staff's language."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from screening.words import t


class KeyHints(Static):
    """Shows (key, label) pairs such as 'F2 Xác nhận'."""

    def show(self, hints: list[tuple[str, str]], lang: str) -> None:
        """Render hints given as (key, i18n key)."""
        text = Text()
        for key, label in hints:
            text.append(key, style="bold reverse")
            text.append(f" {t(label, lang)}  " if len(hints) < 6 else f" {t(label, lang)} ")
        self.update(text, layout=False)
