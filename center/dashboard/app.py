"""The dashboard app: one factory shared by `chot center`, the tests and textual-serve.

Snapshots are taken in a thread worker (they read SQLite and the live view) and come back
as a message, so the UI thread never waits on the store.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from zoneinfo import ZoneInfo

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.message import Message

from center.dashboard.screens.overview import OverviewScreen
from center.dashboard.snapshot import Snapshot
from center.dashboard.widgets.section_tabs import SECTIONS
from screening.words import LANGUAGES, t


class SnapshotReady(Message):
    """A fresh snapshot, taken off the UI thread."""

    def __init__(self, snapshot: Snapshot) -> None:
        super().__init__()
        self.snapshot = snapshot


class CenterDashboard(App[None]):
    """The provincial center's live view; `l` switches Vietnamese/English, 1-4 the section."""

    CSS_PATH = "dashboard.tcss"
    TITLE = "chốt — trung tâm tỉnh"
    ENABLE_COMMAND_PALETTE = False
    # Both languages at once: an operator who switched by mistake can still read the way back.
    BINDINGS = [Binding("l", "language", "Tiếng Việt / English"),
                Binding("r", "refresh", "Làm mới / Refresh"),
                Binding("q", "quit", "Thoát / Quit"),
                # Their keys are written on the tabs themselves, in the language shown.
                *(Binding(str(n), f"section('{s}')", s, show=False)
                  for n, s in enumerate(SECTIONS, start=1))]

    def __init__(self, source: Callable[[], Snapshot], tz: ZoneInfo, lang: str = "vi",
                 refresh_s: float = 2.0) -> None:
        super().__init__()
        self.source, self.tz, self.refresh_s = source, tz, refresh_s
        self.lang = lang if lang in LANGUAGES else "vi"
        self.snapshot: Snapshot | None = None
        self.overview = OverviewScreen()

    def on_mount(self) -> None:
        """Show the overview and start refreshing."""
        self.push_screen(self.overview)
        self.action_refresh()
        self.set_interval(self.refresh_s, self.action_refresh)

    def action_refresh(self) -> None:
        """Take a new snapshot now."""
        self._take()

    def action_section(self, section: str) -> None:
        """Bring posts, kiosks, alerts or the hourly chart forward."""
        self.overview.show_section(section)

    def action_language(self) -> None:
        """Switch between Vietnamese and English."""
        self.lang = "en" if self.lang == "vi" else "vi"
        self._show()

    @work(thread=True, exclusive=True, group="snapshot")
    def _take(self) -> None:
        try:
            snapshot = self.source()
        except Exception as exc:  # noqa: BLE001 - e.g. PostgreSQL down: keep the last picture
            self.call_from_thread(self.notify, f"{t('store_down', self.lang)}: {exc}"[:300],
                                  severity="error")
            return
        self.post_message(SnapshotReady(snapshot))

    def on_snapshot_ready(self, message: SnapshotReady) -> None:
        """Redraw from the new snapshot."""
        self.snapshot = message.snapshot
        self._show()

    def _show(self) -> None:
        if self.snapshot is None:
            return
        # A snapshot may land while the screen is still composing or already closing.
        with contextlib.suppress(NoMatches):
            self.overview.show(self.snapshot, self.lang, self.tz)
