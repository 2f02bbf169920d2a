"""The queue badge: how many scans arrived while a dialog was open and wait to be shown."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from screening.words import t


def badge_text(waiting: int, lang: str, short: bool = False) -> Text:
    """'◔ 2 lượt quét đang chờ…' in a bright band (`short`: '◔ 2 chờ' for the title line);
    empty when nothing waits."""
    if not waiting:
        return Text()
    key = "queue_short" if short else "queue_badge"
    return Text(f" ◔ {t(key, lang, n=waiting)} ", style="bold black on yellow")


class QueueBadge(Static):
    """One line at the top of a dialog; hidden while nothing waits."""

    def on_mount(self) -> None:
        """Show the count as the dialog opens."""
        self.show(len(getattr(self.app, "waiting", ())), getattr(self.app, "lang", "vi"))

    def show(self, waiting: int, lang: str) -> None:
        """Render the count (hide the line at zero)."""
        self.display = waiting > 0
        self.update(badge_text(waiting, lang), layout=False)
