"""Pick an administrative unit by typing part of its name (accents optional), ↑/↓, Enter."""

from __future__ import annotations

from typing import cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList

from kiosk_ui.place_index import PlaceChoice, search_places
from kiosk_ui.widgets.key_hints import KeyHints
from kiosk_ui.widgets.queue_badge import QueueBadge
from screening.places import Place
from screening.words import t

HINTS = [("↑↓", "key_move"), ("Enter", "key_pick"), ("Esc", "key_back")]


class PlacePicker(ModalScreen[Place | None]):
    """Returns the chosen place; `wards_only` for a destination (the ward to notify)."""

    BINDINGS = [Binding("escape", "cancel", show=False),
                Binding("up", "move(-1)", show=False, priority=True),
                Binding("down", "move(1)", show=False, priority=True)]

    def __init__(self, wards_only: bool) -> None:
        super().__init__()
        self.wards_only = wards_only
        self.found: list[PlaceChoice] = []

    def compose(self) -> ComposeResult:
        """Title, search box, results, hints."""
        with Vertical(id="dialog", classes="-tall"):
            yield Label(id="dialog-title")
            yield QueueBadge(id="queue")
            yield Input(id="search")
            yield OptionList(id="places")
            yield KeyHints(id="dialog-hints")

    def on_mount(self) -> None:
        """List the first places; the search box has focus."""
        self.render_all()
        self._search("")
        self.query_one(Input).focus()

    def render_all(self) -> None:
        """Title, placeholder and hints in the app's current language (F9 works while open)."""
        lang = cast(str, getattr(self.app, "lang", "vi"))
        title = "picker_title_dest" if self.wards_only else "picker_title_origin"
        self.query_one("#dialog-title", Label).update(t(title, lang))
        self.query_one(Input).placeholder = t("picker_search", lang)
        self.query_one(KeyHints).show(HINTS, lang)

    def _search(self, query: str) -> None:
        self.found = search_places(query, wards_only=self.wards_only)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([choice.label for choice in self.found])
        if self.found:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        """Narrow the list as staff type."""
        self._search(event.value)

    def action_move(self, step: int) -> None:
        """Move the highlight while the search box keeps focus."""
        if not self.found:
            return
        options = self.query_one(OptionList)
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self.found) - 1, current + step))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: pick the highlighted place."""
        index = self.query_one(OptionList).highlighted
        if self.found and index is not None:
            self.dismiss(self.found[index].place)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter or click on the list."""
        self.dismiss(self.found[event.option_index].place)

    def action_cancel(self) -> None:
        """Esc: no change."""
        self.dismiss(None)
