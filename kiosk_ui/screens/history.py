"""This shift's history: counters by outcome, a search box, and the scans newest first."""

from __future__ import annotations

from typing import cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label

from kiosk_ui.place_names import place_text
from kiosk_ui.time_text import clock_text
from kiosk_ui.view import KioskView
from kiosk_ui.widgets.key_hints import KeyHints
from kiosk_ui.widgets.queue_badge import QueueBadge
from kiosk_ui.widgets.traveller import mask_name
from kiosk_ui.widgets.verdict_card import ICONS, outcome_label
from screening.words import t

HINTS = [("↑↓", "key_move"), ("F9", "key_language"), ("Esc", "key_back")]


class HistoryScreen(Screen[None]):
    """Search narrows the table as staff type (name, ID, plate, place, outcome)."""

    BINDINGS = [Binding("escape", "back", show=False),
                Binding("up", "move(-1)", show=False, priority=True),
                Binding("down", "move(1)", show=False, priority=True)]

    @property
    def kiosk(self) -> KioskView:
        """The app, as screens see it (kiosk_ui.view)."""
        return cast(KioskView, self.app)

    def compose(self) -> ComposeResult:
        """Title with counters, search box, table, hints."""
        yield Label(id="history-title")
        yield QueueBadge(id="queue")
        yield Input(id="history-search")
        yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield KeyHints(id="hints")

    def on_mount(self) -> None:
        """Fill the table; the search box has focus."""
        self.render_all()
        self.query_one(Input).focus()

    def render_all(self) -> None:
        """Redraw in the current language."""
        lang = self.kiosk.lang
        shift = self.kiosk.shift
        counts = shift.counts()
        # The counters on a line of their own, in short words: one line would wrap at 80.
        title = Text(f" {t('history_title', lang)} · {t('total', lang)} {len(shift.entries)}\n",
                     style="bold")
        for outcome, icon in ICONS.items():
            if counts[outcome]:
                title.append(f" {icon} {t('outcome_' + str(outcome), lang)} {counts[outcome]} ")
        title.no_wrap, title.overflow = True, "ellipsis"
        self.query_one("#history-title", Label).update(title)
        self.query_one(Input).placeholder = t("history_search", lang)
        self.query_one(KeyHints).show(HINTS, lang)
        self._fill(self.query_one(Input).value)

    def _fill(self, query: str) -> None:
        lang = self.kiosk.lang
        table = self.query_one(DataTable)
        table.clear(columns=True)
        # The temperature before the place: a long place name never pushes it off screen.
        table.add_columns(t("col_time", lang), t("col_temp", lang), t("col_outcome", lang),
                          t("col_name", lang), t("col_from", lang))
        fever_c = self.kiosk.ports.policy.current().policy.fever_threshold_c
        for entry in reversed(self.kiosk.shift.search(query)):
            event = entry.event
            ident, travel = event.scan.identity, event.scan.travel
            name = "" if ident is None else (
                ident.name if not self.kiosk.config.mask_names else mask_name(ident.name))
            temp = Text(f"{event.temperature.celsius:.1f}" if event.temperature else "")
            if event.temperature and event.temperature.celsius >= fever_c:
                temp.stylize("bold reverse")
            mark = "*" if entry.override is not None else ""
            table.add_row(clock_text(event.header.at), temp,
                          f"{ICONS[entry.outcome]} {outcome_label(entry.outcome, lang)}{mark}",
                          name, place_text(travel.origin, lang) if travel else "")

    def on_input_changed(self, event: Input.Changed) -> None:
        """Narrow the list as staff type."""
        self._fill(event.value)

    def action_move(self, step: int) -> None:
        """Move through the rows while the search box keeps focus."""
        table = self.query_one(DataTable)
        table.move_cursor(row=max(0, table.cursor_row + step))

    def action_back(self) -> None:
        """Esc: back to the main screen."""
        self.app.pop_screen()
