"""Override a verdict: choose the outcome (↑/↓), type the required reason, Enter."""

from __future__ import annotations

from typing import cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from kiosk_ui.widgets.key_hints import KeyHints
from kiosk_ui.widgets.queue_badge import QueueBadge
from kiosk_ui.widgets.verdict_card import ICONS, outcome_label
from screening.verdict import Outcome
from screening.words import t

CHOICES = [Outcome.CLEAR, Outcome.HOME_QUARANTINE, Outcome.CENTRAL_QUARANTINE,
           Outcome.MEDICAL_CHECK, Outcome.REJECTED]
HINTS = [("↑↓", "col_outcome"), ("Enter", "key_save"), ("Esc", "key_back")]


class OverrideScreen(ModalScreen[tuple[Outcome, str] | None]):
    """Returns (new outcome, reason) or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", show=False),
                Binding("up", "move(-1)", show=False, priority=True),
                Binding("down", "move(1)", show=False, priority=True)]

    def __init__(self, current: Outcome, who: str) -> None:
        super().__init__()
        self.current = current
        self.who = who  # the traveller whose verdict this changes, as the card names them

    @property
    def lang(self) -> str:
        """The staff's language."""
        return cast(str, getattr(self.app, "lang", "vi"))

    def compose(self) -> ComposeResult:
        """Title, queue badge, the traveller, outcomes, reason, error line, hints."""
        with Vertical(id="dialog"):
            yield Label(id="dialog-title")
            yield QueueBadge(id="queue")
            yield Label(id="dialog-who")
            yield OptionList(id="outcomes")
            yield Input(id="reason")
            yield Label(id="error")
            yield KeyHints(id="dialog-hints")

    def on_mount(self) -> None:
        """Start on a different outcome than the current one; type the reason first."""
        self.render_all()
        options = self.query_one(OptionList)
        start = next((i for i, o in enumerate(CHOICES) if o is not self.current), 0)
        options.highlighted = start
        self.query_one(Input).focus()

    def render_all(self) -> None:
        """Redraw in the current language."""
        lang = self.lang
        self.query_one("#dialog-title", Label).update(t("override_title", lang))
        self.query_one("#dialog-who", Label).update(t("dialog_for", lang, who=self.who))
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options([Option(f"{ICONS[o]} {outcome_label(o, lang)}", id=str(o))
                             for o in CHOICES])
        options.highlighted = highlighted
        self.query_one(Input).placeholder = t("override_reason", lang)
        self.query_one(KeyHints).show(HINTS, lang)

    def action_move(self, step: int) -> None:
        """Move the outcome highlight while the reason keeps focus."""
        options = self.query_one(OptionList)
        current = options.highlighted or 0
        options.highlighted = (current + step) % len(CHOICES)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on the list: go type the reason."""
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: record, unless the reason is empty."""
        reason = event.value.strip()
        if not reason:
            self.query_one("#error", Label).update(t("override_reason_required", self.lang))
            return
        index = self.query_one(OptionList).highlighted or 0
        self.dismiss((CHOICES[index], reason))

    def action_cancel(self) -> None:
        """Esc: nothing changes."""
        self.dismiss(None)
