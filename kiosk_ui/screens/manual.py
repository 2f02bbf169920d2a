"""Manual declaration for a traveller without a phone: CCCD scan or typed identity, then places.

A CCCD from any input (camera, serial reader, or the wedge typing into the first box) fills
the identity; origin and destination come from the searchable administrative units.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from kiosk_ui.device_words import device_detail
from kiosk_ui.manual_entry import ManualEntry, ManualForm, birth_text
from kiosk_ui.place_names import place_text
from kiosk_ui.screens.place_picker import PlacePicker
from kiosk_ui.view import KioskView
from kiosk_ui.widgets.key_hints import KeyHints
from kiosk_ui.widgets.queue_badge import QueueBadge
from screening.certificates import CertificateVerified
from screening.places import Place
from screening.reasons import message
from screening.scan import CodeKind, ScanResult, Verification, read_code
from screening.words import t

HINTS = [("Tab", "key_next"), ("Enter", "key_pick"), ("F10", "key_save"), ("Esc", "key_back")]
TEXT_FIELDS = {"name": "manual_name", "id-number": "manual_id", "birth": "manual_dob",
               "plate": "manual_plate"}


class ManualScreen(ModalScreen[ManualEntry | None]):
    """Returns the completed entry, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", show=False),
                Binding("f10", "save", show=False, priority=True),
                Binding("ctrl+s", "save", show=False, priority=True)]

    def __init__(self, scanned: ScanResult | None = None, who: str = "") -> None:
        super().__init__()
        self.form = ManualForm()
        self._prefill = scanned
        self.who = who  # the traveller on the card this entry completes, if any

    @property
    def lang(self) -> str:
        """The staff's language."""
        return cast(str, getattr(self.app, "lang", "vi"))

    def compose(self) -> ComposeResult:
        """Title, queue badge, the traveller, CCCD box, identity boxes, places, problems, hints."""
        with Vertical(id="dialog", classes="-tall"):
            yield Label(id="dialog-title")
            yield QueueBadge(id="queue")
            yield Label(id="dialog-who")
            yield Input(id="cccd")
            with Horizontal(classes="row"):
                yield Input(id="name")
                yield Input(id="id-number")
            with Horizontal(classes="row"):
                yield Input(id="birth", max_length=8)
                yield Input(id="plate")
            yield Button("", id="origin", compact=True)
            yield Button("", id="destination", compact=True)
            yield Label(id="error")
            yield KeyHints(id="dialog-hints")

    def on_mount(self) -> None:
        """Prefill from a CCCD just scanned; focus the CCCD box for the wedge."""
        if self._prefill is not None and self._prefill.identity is not None:
            self._fill(self._prefill)
        self.render_all()
        self.query_one("#cccd", Input).focus()

    def render_all(self) -> None:
        """Redraw labels in the current language."""
        lang = self.lang
        self.query_one("#dialog-title", Label).update(t("manual_title", lang))
        self.render_who()
        self.query_one("#cccd", Input).placeholder = t("manual_cccd", lang)
        for field_id, key in TEXT_FIELDS.items():
            self.query_one(f"#{field_id}", Input).placeholder = t(key, lang)
        self._render_place("origin", "manual_origin", self.form.origin)
        self._render_place("destination", "manual_dest", self.form.destination)
        self.query_one(KeyHints).show(HINTS, lang)

    def render_who(self) -> None:
        """Name the traveller this entry is for: the card's, else the name typed so far."""
        who = self.who or self.query_one("#name", Input).value.strip()
        label = self.query_one("#dialog-who", Label)
        label.display = bool(who)
        label.update(t("manual_for", self.lang, who=who) if who else "")

    def on_input_changed(self, event: Input.Changed) -> None:
        """The name typed names the traveller."""
        if event.input.id == "name" and not self.who:
            self.render_who()

    def take_code(self, text: str) -> bool:
        """A CCCD read while this form is open: it fills the form only while the form names
        no traveller yet; the same card read again changes nothing. False: the code is another
        traveller's, to be decided and shown after this dialog."""
        first = text.strip().split("|", 1)[0]
        typed_id = self.query_one("#id-number", Input).value.strip()
        if typed_id and first == typed_id:
            return True
        if self.who or typed_id or self.query_one("#name", Input).value.strip():
            return False
        self.fill_from_code(text)
        return True

    def _render_place(self, button_id: str, key: str, place: Place | None) -> None:
        shown = t("manual_choose", self.lang) if place is None else place_text(place, self.lang)
        self.query_one(f"#{button_id}", Button).label = f"{t(key, self.lang)}: {shown}"

    def fill_from_code(self, text: str) -> None:
        """A scanned code: a valid CCCD fills the identity, anything else is explained."""
        result = read_code(text, {}, self.app_now())
        if result.kind is CodeKind.CCCD and result.verification is Verification.UNSIGNED:
            self._fill(result)
            name = result.identity.name if result.identity else ""
            self.query_one("#error", Label).update(t("manual_cccd_read", self.lang, name=name))
            self.render_who()
            self.query_one("#origin", Button).focus()
        else:
            why = message(result.rejection, self.lang) if result.rejection \
                else device_detail(str(result.kind), self.lang)
            self.query_one("#error", Label).update(t("manual_cccd_bad", self.lang, why=why))

    def app_now(self) -> datetime:
        """The kiosk's clock (fixed in tests)."""
        return cast(KioskView, self.app).ports.clock()

    def _fill(self, result: ScanResult) -> None:
        ident = result.identity
        assert ident is not None
        self.form.scanned = result
        self.query_one("#name", Input).value = ident.name
        self.query_one("#id-number", Input).value = ident.id_number
        self.query_one("#birth", Input).value = birth_text(ident.date_of_birth)
        self.query_one("#cccd", Input).value = ""
        cert = result.certificate
        country = cert.facts.issuer_country if isinstance(cert, CertificateVerified) else None
        if country and country != "VN" and self.form.origin is None:
            # A foreign certificate's holder most likely arrives from its issuing country.
            self.form.origin = Place(country=country)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: read the CCCD box, or move on to the next box."""
        if event.input.id == "cccd" and event.value.strip():
            self.fill_from_code(event.value)
        else:
            self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Choose origin or destination in the place picker."""
        is_dest = event.button.id == "destination"

        def picked(place: Place | None) -> None:
            if place is None:
                return
            if is_dest:
                self.form.destination = place
            else:
                self.form.origin = place
            self.render_all()
            self.query_one("#destination", Button).focus()

        self.app.push_screen(PlacePicker(wards_only=is_dest), picked)

    def action_save(self) -> None:
        """F10: record the declaration, or say what is missing."""
        form = self.form
        form.name = self.query_one("#name", Input).value
        form.id_number = self.query_one("#id-number", Input).value
        form.birth = self.query_one("#birth", Input).value
        form.plate = self.query_one("#plate", Input).value
        problems = form.problems()
        if problems:
            what = ", ".join(t(key, self.lang) for key in problems)
            self.query_one("#error", Label).update(t("manual_missing", self.lang, what=what))
            self.app.bell()
            return
        self.dismiss(form.entry())

    def action_cancel(self) -> None:
        """Esc: nothing recorded."""
        self.dismiss(None)
