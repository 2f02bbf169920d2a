"""The row of numbered tabs a small screen uses to show one section at a time."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Tab, Tabs

from screening.words import t

# In the order of their keys: what a monitor looks at first gets key 1.
SECTIONS = ("posts", "kiosks", "alerts", "hourly")


def tab_id(section: str) -> str:
    """The id of a section's tab (the section's own id belongs to its table)."""
    return f"tab-{section}"


def section_of(tab: Tab) -> str:
    """The section a tab shows."""
    return (tab.id or "").removeprefix("tab-")


def tab_label(section: str, lang: str, alerts: int = 0, critical: bool = False) -> Text:
    """'1 Chốt kiểm soát', '3 Cảnh báo (4)': the key to press, then the section's name."""
    key = SECTIONS.index(section) + 1
    label = Text(f"{key}", style="bold reverse")
    label.append(f" {t(section + '_tab', lang)}")
    if section == "alerts":
        # Critical alerts (fever, forged codes, a post offline) must show from any tab.
        label.append(f" ({alerts})", style="bold red" if critical else "")
    return label


class SectionTabs(Tabs):
    """Posts, kiosks, alerts and the hourly chart; the number keys switch between them."""

    # The table under the tabs keeps the focus, so the arrow keys scroll its rows.
    can_focus = False

    def __init__(self, lang: str = "vi", *, id: str | None = None) -> None:
        super().__init__(*(Tab(tab_label(s, lang), id=tab_id(s)) for s in SECTIONS), id=id)
        self._labelled: tuple[str, int, bool] = (lang, 0, False)

    def relabel(self, lang: str, alerts: int, critical: bool) -> None:
        """Relabel for the language and the number of alerts."""
        # Relabelling repaints the tabs' underline: only when something changed.
        if (lang, alerts, critical) == self._labelled:
            return
        self._labelled = (lang, alerts, critical)
        for section in SECTIONS:
            self.query_one(f"#{tab_id(section)}", Tab).label = \
                tab_label(section, lang, alerts, critical)
