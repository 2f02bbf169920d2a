"""The main screen: verdict card, traveller summary, optional preview, status and key hints.

Printable keys that reach this screen are a keyboard-wedge reader typing a code: they are
collected until Enter. Staff actions are on function keys so the two never clash.
"""

from __future__ import annotations

import time
from typing import cast

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Static

from kiosk_ui.device_words import device_detail
from kiosk_ui.messages import CodeScanned
from kiosk_ui.view import KioskView
from kiosk_ui.widgets.camera_preview import CameraPreview
from kiosk_ui.widgets.key_hints import KeyHints
from kiosk_ui.widgets.queue_badge import badge_text
from kiosk_ui.widgets.status_bar import StatusBar
from kiosk_ui.widgets.traveller import TravellerSummary
from kiosk_ui.widgets.verdict_card import ICONS, VerdictCard
from screening.words import t

MAIN_HINTS = [("F2", "key_confirm"), ("F3", "key_override"), ("F4", "key_manual"),
              ("F5", "key_history"), ("F6", "key_camera"), ("F7", "key_reveal"),
              ("F8", "key_preview"), ("F9", "key_language")]  # fits 80 columns in vi and en
# Nobody stands at a self-service kiosk: the traveller is told to scan, F9 still switches.
SELF_SERVICE_HINTS = [("QR", "self_service_hint"), ("F9", "key_language")]
STAFF_ACTIONS = frozenset({"confirm", "override", "manual", "history", "choose_camera",
                           "reveal", "preview"})
WEDGE_MAX = 4096  # longer lines are not codes (signed_code.MAX_CODE_CHARS)


class TitleBar(Static):
    """Post and kiosk, shift counters, and what the wedge reader has typed so far."""


class MainScreen(Screen[None]):
    """Where staff spend the shift."""

    BINDINGS = [
        Binding("f2", "confirm", show=False),
        Binding("f3", "override", show=False),
        Binding("f4", "manual", show=False),
        Binding("f5", "history", show=False),
        Binding("f6", "choose_camera", show=False),
        Binding("f7", "reveal", show=False),
        Binding("f8", "preview", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.wedge_buffer = ""

    @property
    def kiosk(self) -> KioskView:
        """The app, as screens see it (kiosk_ui.view)."""
        return cast(KioskView, self.app)

    def compose(self) -> ComposeResult:
        """Title, body (card + summary | preview), status, key hints."""
        yield TitleBar(id="title")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield VerdictCard(id="card")
                yield TravellerSummary(id="traveller")
            yield CameraPreview(id="preview")
        with Vertical(id="bottom"):
            yield StatusBar(id="status")
            yield KeyHints(id="hints")

    def on_screen_resume(self) -> None:
        """A dialog closed: the scans that waited meanwhile are shown now."""
        self.kiosk.release_waiting()

    def on_mount(self) -> None:
        """Draw the waiting state."""
        self.query_one(CameraPreview).display = self.kiosk.preview_on
        self.render_all()

    def render_all(self) -> None:
        """Redraw everything in the current language (nothing once the screen is torn down)."""
        if not self.query(VerdictCard):
            return
        self.render_entry()
        self.query_one(StatusBar).show(self.kiosk.status, self.kiosk.lang)
        self_service = self.kiosk.config.mode == "self_service"
        self.query_one(KeyHints).show(SELF_SERVICE_HINTS if self_service else MAIN_HINTS,
                                      self.kiosk.lang)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A self-service kiosk has no staff: their keys do nothing."""
        return not (self.kiosk.config.mode == "self_service" and action in STAFF_ACTIONS)

    def render_entry(self) -> None:
        """Redraw what a new verdict changes: card, traveller, title counters."""
        if not self.query(VerdictCard):
            return
        app = self.kiosk
        entry = app.shift.latest
        fever_c = app.ports.policy.current().policy.fever_threshold_c
        self.query_one(VerdictCard).show(entry, app.lang, fever_c)
        self.query_one(TravellerSummary).show(entry, app.lang, app.ports.clock(),
                                              app.config.mask_names, fever_c)
        self.render_title()

    def render_title(self) -> None:
        """Title line: place, counters by outcome (icon + count), wedge input in progress."""
        app = self.kiosk
        if not self.query(TitleBar):
            return
        text = Text(f" {t('app_title', app.lang)} {app.config.post}/{app.config.kiosk} ",
                    style="bold")
        counts = app.shift.counts()
        text.append(f" {t('total', app.lang)} {len(app.shift.entries)}")
        for outcome, icon in ICONS.items():
            if counts[outcome]:
                text.append(f"  {icon}{counts[outcome]}")
        if app.waiting:
            text.append(" ")
            text.append_text(badge_text(len(app.waiting), app.lang, short=True))
        if self.wedge_buffer:
            text.append(f"  ⌨ {self.wedge_buffer[-24:]}", style="bold reverse")
        self.query_one(TitleBar).update(text, layout=False)

    def on_key(self, event: events.Key) -> None:
        """Collect a keyboard-wedge line; Enter hands it over as a scanned code."""
        if not self.kiosk.config.wedge.enabled:
            return
        if event.key in ("enter", "tab") and self.wedge_buffer:
            line, self.wedge_buffer = self.wedge_buffer, ""
            self._wedge_line(line)
        elif event.key == "escape" and self.wedge_buffer:
            self.wedge_buffer = ""
        elif event.key == "backspace" and self.wedge_buffer:
            self.wedge_buffer = self.wedge_buffer[:-1]
        elif event.is_printable and event.character and len(self.wedge_buffer) < WEDGE_MAX:
            self.wedge_buffer += event.character
        else:
            return
        event.stop()
        event.prevent_default()
        self.render_title()

    def _wedge_line(self, line: str) -> None:
        from hardware.wedge import parse_wedge_line

        wedge = self.kiosk.config.wedge
        result = parse_wedge_line(line, prefix=wedge.prefix, suffix=wedge.suffix,
                                  fmt=wedge.format)
        if result.text is None:
            why = device_detail(result.reason, self.kiosk.lang)
            self.app.notify(t("wedge_bad", self.kiosk.lang, why=why),
                            severity="warning", timeout=5)
            return
        self.app.post_message(CodeScanned(result.text, "wedge", time.perf_counter()))

    def action_confirm(self) -> None:
        """F2: confirm the verdict on the card."""
        self.kiosk.confirm_latest()

    def action_override(self) -> None:
        """F3: override the verdict, with a reason."""
        self.kiosk.start_override()

    def action_manual(self) -> None:
        """F4: manual declaration."""
        self.kiosk.start_manual()

    def action_history(self) -> None:
        """F5: this shift's history."""
        self.kiosk.show_history()

    def action_choose_camera(self) -> None:
        """F6: choose the camera."""
        self.kiosk.choose_camera()

    def action_reveal(self) -> None:
        """F7: reveal or hide the name and ID number (revealing is logged)."""
        self.kiosk.toggle_reveal()

    def action_preview(self) -> None:
        """F8: show or hide the camera preview."""
        self.kiosk.toggle_preview()
