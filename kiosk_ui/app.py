"""The staff app: one factory shared by `chot kiosk`, the tests and the benchmark.

Device inputs call back from their own threads; everything that waits (journal commits,
device switching, status polling, preview frames) runs in thread workers whose results come
back as messages, so the UI thread never blocks.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual import work
from textual.app import App
from textual.binding import Binding

from kiosk_ui.checkpoint import RECORD_ERRORS, Checkpoint, EventRefused
from kiosk_ui.config import KioskConfig
from kiosk_ui.device_words import device_detail
from kiosk_ui.manual_entry import ManualEntry
from kiosk_ui.messages import (
    ActionRecorded,
    CodeScanned,
    FrameReady,
    RecordFailed,
    StatusReady,
    VerdictReady,
)
from kiosk_ui.place_names import country_text
from kiosk_ui.ports import OFF, KioskPorts
from kiosk_ui.screens.main import MainScreen
from kiosk_ui.shift import ShiftEntry, ShiftLog
from kiosk_ui.timing import ScanTimings
from kiosk_ui.view import KioskView
from kiosk_ui.widgets.camera_preview import CameraPreview, frame_to_text
from kiosk_ui.widgets.status_bar import (
    EMPTY_STATUS,
    StatusBar,
    StatusSnapshot,
    newly_down,
    trust_list_ages,
)
from kiosk_ui.widgets.traveller import source_text, traveller_named
from screening.cccd import looks_like_cccd
from screening.certificates.shc_chunks import Pending, ShcChunks
from screening.evaluate import TemperatureReading
from screening.event import ScanEvent, StaffAction
from screening.verdict import Outcome
from screening.words import t

STATUS_EVERY_S = 1.0
PREVIEW_EVERY_S = 0.25
PREVIEW_SIZE = (40, 10)  # cells: 40 × 20 pixels of the frame


class KioskApp(App[None]):
    """Checkpoint staff UI."""

    CSS_PATH = "kiosk.tcss"
    TITLE = "chốt kiosk"
    ENABLE_COMMAND_PALETTE = False
    # Priority: F9 must work on top of every screen and dialog, whatever has focus.
    BINDINGS = [Binding("f9", "language", show=False, priority=True)]
    # Taller terminals get a taller verdict band (kiosk.tcss: Screen.-tall).
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    def __init__(self, config: KioskConfig, ports: KioskPorts,
                 poll_status: bool = True) -> None:
        super().__init__()
        self.config = config
        self.ports = ports
        self.lang: str = config.language
        self.preview_on = config.camera.preview
        self.checkpoint = Checkpoint(ports, config.staff)
        self.shc_chunks = ShcChunks()
        self.shift = ShiftLog()
        self.timings = ScanTimings()
        self.status: StatusSnapshot = EMPTY_STATUS
        self.ready_s: float | None = None
        self._started = time.perf_counter()
        self._poll_status = poll_status
        self.notices: list[str] = []
        self._drawing_preview = False
        self.main = MainScreen()
        # Verdicts committed while a dialog was open, shown in order when it closes.
        self.waiting: list[VerdictReady] = []
        # Told of each verdict as it goes on the card (the simulator's timing, for one).
        self.shown_listeners: list[Callable[[ScanEvent, str], None]] = []

    def notify(self, message: str, **options: Any) -> None:  # type: ignore[override]
        """A toast, also kept in `notices` (what staff were told this shift)."""
        self.notices.append(message)
        super().notify(message, **options)

    def on_mount(self) -> None:
        """Show the main screen, start inputs and status polling."""
        self.push_screen(self.main)
        self.start_inputs()
        self.refresh_status()
        if self._poll_status:
            self.set_interval(STATUS_EVERY_S, self.refresh_status)
        self.set_interval(PREVIEW_EVERY_S, self._preview_tick)
        self.call_after_refresh(self._mark_ready)

    def _mark_ready(self) -> None:
        self.ready_s = time.perf_counter() - self._started

    @work(thread=True, group="devices")
    def start_inputs(self) -> None:
        """Start every code input (opening a device may block)."""
        inputs = list(self.ports.inputs)
        if self.ports.camera is not None:
            inputs.append(self.ports.camera)
        for source in inputs:
            try:
                source.start(self.code_from_thread)
            except OSError as exc:
                why = f"{source_text(source.name, self.lang)}: {device_detail(str(exc), self.lang)}"
                self.call_from_thread(self.notify, t("device_failed", self.lang, why=why),
                                      severity="error")
        # Load the country names now, not on the UI thread when the first passport shows.
        country_text("VN", self.lang)

    def code_from_thread(self, text: str, source: str, decoded_at: float) -> None:
        """The inputs' callback: hand the code to the UI thread."""
        self.post_message(CodeScanned(text, source, decoded_at))

    def on_code_scanned(self, message: CodeScanned) -> None:
        """A code from any input: names the traveller of an empty manual form, or is decided,
        recorded and shown (after the open dialog closes)."""
        from kiosk_ui.screens.manual import ManualScreen

        screen = self.screen
        if isinstance(screen, ManualScreen) and looks_like_cccd(message.text) \
                and screen.take_code(message.text):
            return
        code = self.shc_chunks.add(message.text)  # a SMART card in parts: wait for them all
        if isinstance(code, Pending):
            self.notify(f"SMART {code.have}/{code.total}: " + (
                "scan the next part" if self.lang == "en" else "quét phần tiếp theo"))
            return
        self.decide(code.text, message.source, message.decoded_at)

    @work(thread=True, group="scan")
    def decide(self, text: str, source: str, decoded_at: float) -> None:
        """Decide and commit one scan, then let the UI show it."""
        try:
            event = self.checkpoint.scan(text)
        except EventRefused as exc:
            self.post_message(RecordFailed(exc.problem, refused=True))
            return
        except RECORD_ERRORS as exc:
            self.post_message(RecordFailed(str(exc)))
            return
        self.post_message(VerdictReady(event, source, decoded_at))

    @work(thread=True, group="scan")
    def decide_manual(self, entry: ManualEntry, decoded_at: float,
                      reading: TemperatureReading | None = None) -> None:
        """Decide and commit a manual declaration (with its traveller's reading, if known)."""
        try:
            event = self.checkpoint.manual(entry.identity, entry.travel, entry.scanned,
                                           temperature=reading)
        except EventRefused as exc:
            self.post_message(RecordFailed(exc.problem, refused=True))
            return
        except RECORD_ERRORS as exc:
            self.post_message(RecordFailed(str(exc)))
            return
        self.post_message(VerdictReady(event, "manual", decoded_at))

    def on_verdict_ready(self, message: VerdictReady) -> None:
        """Show a committed verdict, or hold it while staff act on the traveller they see."""
        if self.screen is not self.main or self._revealed_on_card():
            # Committed already; the card keeps the traveller the dialog names until it closes.
            self.waiting.append(message)
            self.bell()
            self.render_waiting()
            return
        self.release_waiting()
        self._show(message)
        decoded_at = message.decoded_at
        self.call_after_refresh(
            lambda: self.timings.add((time.perf_counter() - decoded_at) * 1000))

    def _show(self, message: VerdictReady) -> None:
        """Put a verdict on the card, ring and signal the thermometer node."""
        self.shift.add(message.event, message.source)
        for listener in self.shown_listeners:
            listener(message.event, message.source)
        self.main.wedge_buffer = ""
        self.main.render_entry()
        if self.config.bell:
            self.bell()
        if self.ports.thermometer is not None:
            self.ports.thermometer.signal(message.event.verdict.outcome)
        self.refresh_status()

    def _revealed_on_card(self) -> bool:
        entry = self.shift.latest
        return entry is not None and entry.revealed

    def release_waiting(self) -> None:
        """The main screen is back and nothing is revealed: show what waited, in order."""
        if not self.waiting or self.screen is not self.main or self._revealed_on_card():
            return
        held, self.waiting = self.waiting, []
        for message in held:
            self._show(message)
        if len(held) > 1:
            self.notify(t("queue_shown", self.lang, n=len(held)), timeout=6)
        self.render_waiting()

    def render_waiting(self) -> None:
        """Redraw the queue badge on every screen that shows one."""
        from kiosk_ui.widgets.queue_badge import QueueBadge

        for screen in self.screen_stack:
            for badge in screen.query(QueueBadge):
                badge.show(len(self.waiting), self.lang)
        self.main.render_title()

    def on_record_failed(self, message: RecordFailed) -> None:
        """Nothing was committed, so nothing is shown as decided: say so loudly."""
        self.bell()
        key = "event_refused" if message.refused else "journal_failed"
        self.notify(t(key, self.lang, why=message.why), severity="error", timeout=10)

    @work(thread=True, group="actions")
    def record_action(self, scan: ScanEvent, action: str, outcome: Outcome | None = None,
                      reason: str = "") -> None:
        """Commit a staff action."""
        try:
            recorded = self.checkpoint.act(scan, action, outcome, reason)
        except EventRefused as exc:
            self.post_message(RecordFailed(exc.problem, refused=True))
            return
        except RECORD_ERRORS as exc:
            self.post_message(RecordFailed(str(exc)))
            return
        self.post_message(ActionRecorded(recorded))

    def on_action_recorded(self, message: ActionRecorded) -> None:
        """Apply a committed staff action to its entry."""
        action = message.action
        entry = self._entry(action.scan_event_id)
        if entry is None:
            return
        if action.action == "confirm":
            entry.confirmed = True
            self.notify(t("confirm_done", self.lang), timeout=3)
        elif action.action == "override":
            entry.override, entry.override_reason = action.outcome, action.reason
            if self.ports.thermometer is not None and action.outcome is not None:
                self.ports.thermometer.signal(action.outcome)
            self.notify(t("override_done", self.lang), timeout=3)
        elif action.action == "reveal_id":
            entry.revealed = True
            self.notify(t("reveal_done", self.lang), timeout=3)
        self.main.render_all()
        self.refresh_status()

    def _named(self, entry: ShiftEntry) -> str:
        return traveller_named(entry, self.lang, self.config.mask_names)

    def _entry(self, event_id: str) -> ShiftEntry | None:
        for entry in reversed(self.shift.entries):
            if entry.event.header.event_id == event_id:
                return entry
        return None

    def confirm_latest(self) -> None:
        """Confirm the verdict on the card."""
        entry = self.shift.latest
        if entry is None:
            self.notify(t("nothing_to_confirm", self.lang), severity="warning", timeout=3)
            return
        self.record_action(entry.event, "confirm")

    def start_override(self) -> None:
        """Ask for the new outcome and the reason, then record the override."""
        from kiosk_ui.screens.override import OverrideScreen

        entry = self.shift.latest
        if entry is None:
            self.notify(t("nothing_to_confirm", self.lang), severity="warning", timeout=3)
            return

        def done(result: tuple[Outcome, str] | None) -> None:
            if result is not None:
                self.record_action(entry.event, "override", result[0], result[1])

        self.push_screen(OverrideScreen(entry.outcome, self._named(entry)), done)

    def start_manual(self) -> None:
        """Open the manual declaration, prefilled from a CCCD just scanned."""
        from kiosk_ui.screens.manual import ManualScreen

        entry = self.shift.latest
        if entry is None or entry.event.verdict.outcome is not Outcome.INCOMPLETE:
            entry = None  # a traveller with no card: the form names whoever staff type

        def done(result: ManualEntry | None) -> None:
            if result is not None:
                # The card's traveller keeps the temperature taken with their scan, not one
                # taken from whoever stood at the thermometer while staff typed.
                reading = entry.event.temperature if entry is not None else None
                self.decide_manual(result, time.perf_counter(), reading)

        self.push_screen(ManualScreen(entry.event.scan if entry else None,
                                      self._named(entry) if entry else ""), done)

    def show_history(self) -> None:
        """Open this shift's history."""
        from kiosk_ui.screens.history import HistoryScreen

        self.push_screen(HistoryScreen())

    def choose_camera(self) -> None:
        """Pick among the configured cameras."""
        from kiosk_ui.screens.camera_chooser import CameraChooser

        camera = self.ports.camera
        if camera is None:
            self.notify(t("device_failed", self.lang, why=f"{t('st_camera', self.lang)}: "
                          f"{t('st_off', self.lang)}"), severity="warning", timeout=3)
            return

        def done(index: int | None) -> None:
            if index is not None:
                self.switch_camera(index)

        self.push_screen(CameraChooser(camera.sources, camera.selected), done)

    @work(thread=True, exclusive=True, group="camera")
    def switch_camera(self, index: int) -> None:
        """Open another camera off the UI thread."""
        camera = self.ports.camera
        assert camera is not None
        source = camera.sources[index]
        try:
            camera.select(index)
        except OSError as exc:
            self.call_from_thread(self.notify, t("camera_failed", self.lang, src=source,
                                                 why=str(exc)), severity="error")
            return
        self.call_from_thread(self.notify, t("camera_switched", self.lang, src=source),
                              timeout=3)
        self.refresh_status()

    def toggle_reveal(self) -> None:
        """Reveal (logged first) or hide the name and ID number on the card."""
        entry = self.shift.latest
        if entry is None or entry.event.scan.identity is None:
            return
        if entry.revealed:
            entry.revealed = False
            self.main.render_all()
            self.release_waiting()
        else:
            self.record_action(entry.event, "reveal_id")

    def toggle_preview(self) -> None:
        """Show or hide the camera preview panel."""
        self.preview_on = not self.preview_on
        self.main.query_one(CameraPreview).display = self.preview_on
        if self.preview_on:
            self._preview_tick()

    def action_language(self) -> None:
        """F9 anywhere: Vietnamese ↔ English."""
        self.toggle_language()

    def toggle_language(self) -> None:
        """Vietnamese ↔ English on every screen."""
        self.lang = "en" if self.lang == "vi" else "vi"
        for screen in self.screen_stack:
            render = getattr(screen, "render_all", None)
            if render is not None:
                render()
        self.render_waiting()

    def _preview_tick(self) -> None:
        # One frame in flight at a time: a slow draw skips ticks instead of piling up.
        if self.preview_on and self.screen is self.main and not self._drawing_preview:
            self._drawing_preview = True
            self.grab_preview()

    @work(thread=True, group="preview")
    def grab_preview(self) -> None:
        """Draw the newest camera frame as text."""
        camera = self.ports.camera
        frame = camera.latest_frame() if camera is not None else None
        picture = None if frame is None else frame_to_text(frame, *PREVIEW_SIZE)
        self.post_message(FrameReady(picture))

    def on_frame_ready(self, message: FrameReady) -> None:
        """Show a preview frame."""
        self._drawing_preview = False
        # query(), not query_one(): a late frame may arrive while the app shuts down.
        for preview in self.main.query(CameraPreview):
            if self.preview_on:
                preview.show_frame(message.picture, self.lang)

    @work(thread=True, exclusive=True, group="status")
    def refresh_status(self) -> None:
        """Gather device, link, journal and policy state off the UI thread."""
        self.post_message(StatusReady(gather_status(self.ports,
                                                    self.config.policy.stale_after_hours)))

    def on_status_ready(self, message: StatusReady) -> None:
        """Show the new status."""
        before, self.status = self.status, message.snapshot
        for bar in self.main.query(StatusBar):
            bar.show(self.status, self.lang)
        for problem in newly_down(before, self.status, self.lang):
            self.notify(t("device_failed", self.lang, why=problem), severity="error",
                        timeout=8)


def gather_status(ports: KioskPorts, stale_after_hours: float) -> StatusSnapshot:
    """Ask every port for its state (may block on the journal: call from a worker)."""
    now = ports.clock()
    reader = next((i.health() for i in ports.inputs if i.name == "reader"), OFF)
    in_force = ports.policy.current()
    issued = in_force.issued_at
    # A policy with no issue time is the built-in fallback: stale by definition.
    stale = issued is None or (now - issued).total_seconds() > stale_after_hours * 3600
    return StatusSnapshot(
        camera=ports.camera.health() if ports.camera else OFF,
        reader=reader,
        thermometer=ports.thermometer.health() if ports.thermometer else OFF,
        link=ports.link.health() if ports.link else OFF,
        pending=ports.journal.pending(),
        policy_version=in_force.policy.version,
        policy_issued_at=issued,
        policy_stale=stale,
        taken_at=now,
        trust_lists=trust_list_ages(in_force.certificates, now,
                                    in_force.policy.max_trust_age().total_seconds()),
        trust_skipped=len(in_force.certificates.skipped),
    )


def build_app(config: KioskConfig, ports: KioskPorts, **options: Any) -> KioskApp:
    """The app for a config and its ports: what `chot kiosk`, the tests and the bench run."""
    return KioskApp(config, ports, **options)


__all__ = ["KioskApp", "StaffAction", "build_app", "gather_status"]


def as_view(app: KioskApp) -> KioskView:
    """The app as its screens see it; mypy checks here that KioskApp keeps the protocol."""
    return app
