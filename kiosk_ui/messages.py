"""Messages from worker threads and device inputs to the UI thread."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message

from kiosk_ui.widgets.status_bar import StatusSnapshot
from screening.event import ScanEvent, StaffAction


@dataclass
class CodeScanned(Message):
    """An input decoded a code; `decoded_at` is perf_counter() when the decoder returned."""

    text: str
    source: str
    decoded_at: float


@dataclass
class VerdictReady(Message):
    """A scan was decided and committed; show it."""

    event: ScanEvent
    source: str
    decoded_at: float


@dataclass
class ActionRecorded(Message):
    """A staff action was committed."""

    action: StaffAction


@dataclass
class RecordFailed(Message):
    """An event could not be committed: nothing is shown as decided."""

    why: str
    refused: bool = False  # the center would not store it: staff enter it by hand


@dataclass
class StatusReady(Message):
    """A fresh status snapshot."""

    snapshot: StatusSnapshot


@dataclass
class FrameReady(Message):
    """A preview frame drawn as text (None: no picture)."""

    picture: Text | None
