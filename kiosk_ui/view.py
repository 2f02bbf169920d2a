"""What the screens may read from and ask of the kiosk app, as a protocol.

Screens are composed by the app (kiosk_ui/app.py); they reach back to it only through this
protocol, so no screen imports the app and the app's file stays its own.
"""

from __future__ import annotations

from typing import Protocol

from kiosk_ui.config import KioskConfig
from kiosk_ui.messages import VerdictReady
from kiosk_ui.ports import KioskPorts
from kiosk_ui.shift import ShiftLog
from kiosk_ui.widgets.status_bar import StatusSnapshot


class KioskView(Protocol):
    """The staff app as its screens see it: state to draw, staff actions to start."""

    config: KioskConfig
    ports: KioskPorts
    lang: str
    shift: ShiftLog
    status: StatusSnapshot
    preview_on: bool
    waiting: list[VerdictReady]

    def release_waiting(self) -> None:
        """Show the verdicts that waited while a dialog was open."""

    def confirm_latest(self) -> None:
        """F2: confirm the verdict on the card."""

    def start_override(self) -> None:
        """F3: override the verdict, with a reason."""

    def start_manual(self) -> None:
        """F4: manual declaration."""

    def show_history(self) -> None:
        """F5: this shift's history."""

    def choose_camera(self) -> None:
        """F6: choose the camera."""

    def toggle_reveal(self) -> None:
        """F7: reveal or hide the name and ID number."""

    def toggle_preview(self) -> None:
        """F8: show or hide the camera preview."""
