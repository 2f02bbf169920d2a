"""Choose the camera: ↑/↓ and Enter among the configured sources."""

from __future__ import annotations

from typing import cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList

from kiosk_ui.widgets.key_hints import KeyHints
from kiosk_ui.widgets.queue_badge import QueueBadge
from screening.words import t

HINTS = [("↑↓", "key_move"), ("Enter", "key_pick"), ("Esc", "key_back")]


class CameraChooser(ModalScreen[int | None]):
    """Returns the chosen source's index, or None."""

    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self, sources: list[str], selected: int) -> None:
        super().__init__()
        self.sources, self.selected = sources, selected

    def compose(self) -> ComposeResult:
        """Title, sources, hints."""
        with Vertical(id="dialog"):
            yield Label(id="dialog-title")
            yield QueueBadge(id="queue")
            yield OptionList(*[("● " if i == self.selected else "  ") + src
                               for i, src in enumerate(self.sources)], id="cameras")
            yield KeyHints(id="dialog-hints")

    def on_mount(self) -> None:
        """Highlight the camera in use."""
        self.render_all()
        options = self.query_one(OptionList)
        options.highlighted = self.selected
        options.focus()

    def render_all(self) -> None:
        """Title and hints in the app's current language (F9 works while this is open)."""
        lang = cast(str, getattr(self.app, "lang", "vi"))
        self.query_one("#dialog-title", Label).update(t("camera_title", lang))
        self.query_one(KeyHints).show(HINTS, lang)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter: switch to this camera."""
        self.dismiss(event.option_index)

    def action_cancel(self) -> None:
        """Esc: keep the current camera."""
        self.dismiss(None)
