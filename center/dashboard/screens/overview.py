"""The one screen of the dashboard: totals, hourly chart, posts, kiosks and alerts.

On a big terminal everything shows at once (posts and kiosks on the left, alerts on the
right); on a small one (80x24, a laptop, a browser tab) the totals stay on top and the
sections take turns under numbered tabs, the posts first (with the kiosks below them when
every post's row leaves room).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static, Tabs

from center.alerts import Severity
from center.dashboard.snapshot import Snapshot
from center.dashboard.widgets.alerts_table import AlertsTable
from center.dashboard.widgets.hourly_chart import HourlyChart
from center.dashboard.widgets.kiosks_table import KiosksTable
from center.dashboard.widgets.posts_table import PostsTable
from center.dashboard.widgets.section_tabs import SECTIONS, SectionTabs, section_of, tab_id
from center.dashboard.widgets.totals_line import TotalsLine
from screening.places import province_name
from screening.words import t

# Below this the chart and the header rows leave the tables a few lines each.
WIDE_MIN_SIZE = (120, 30)
KIOSKS_BELOW_MIN = 3


class OverviewScreen(Screen[None]):
    """Everything at a glance; redrawn from each new snapshot."""

    def compose(self) -> ComposeResult:
        """Lay out the widgets."""
        yield Static(id="title")
        yield TotalsLine(id="totals")
        yield SectionTabs(id="sections")
        yield HourlyChart(id="hourly")
        with Horizontal(id="tables"):
            with Vertical(id="left"):
                yield Static(id="posts-title", classes="section")
                yield PostsTable(id="posts", cursor_type="row", zebra_stripes=True)
                yield Static(id="kiosks-title", classes="section")
                yield KiosksTable(id="kiosks", cursor_type="row", zebra_stripes=True)
            with Vertical(id="right"):
                yield Static(id="alerts-title", classes="section")
                yield AlertsTable(id="alerts", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        """Start on the posts, in the layout the terminal has room for."""
        self.add_class("-show-posts")
        self._fit(self.app.size.width, self.app.size.height)

    def on_resize(self, event: events.Resize) -> None:
        """Switch between the wide and the compact layout."""
        self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        wide_w, wide_h = WIDE_MIN_SIZE
        self.set_class(width < wide_w or height < wide_h, "-compact")
        self.call_after_refresh(self._kiosks_below_posts)

    def _kiosks_below_posts(self) -> None:
        # A small province (or the demo's one post) fits posts and kiosks on the first tab;
        # a big one keeps that tab for its posts. Counted: each table's header and possible
        # scrollbar, the kiosks' title, and at least KIOSKS_BELOW_MIN kiosk rows.
        posts, kiosks = self.query_one(PostsTable), self.query_one(KiosksTable)
        needed = posts.row_count + 5 + min(kiosks.row_count, KIOSKS_BELOW_MIN)
        below = self.has_class("-compact") and needed <= self.query_one("#tables").size.height
        self.set_class(below, "-kiosks-below")
        # Its rows, header and scrollbar: `height: auto` kept the height of the moment of the
        # switch (no rows yet) in a real terminal. None: back to the stylesheet's height.
        posts.styles.height = posts.row_count + 2 if below else None

    def show_section(self, section: str) -> None:
        """Bring a section forward: its tab on a small screen, the focus on its table."""
        self.query_one(SectionTabs).active = tab_id(section)

    @on(Tabs.TabActivated, "#sections")
    def _section_chosen(self, event: Tabs.TabActivated) -> None:
        section = section_of(event.tab)
        for other in SECTIONS:
            self.set_class(other == section, f"-show-{other}")
        if section != "hourly":
            self.query_one(f"#{section}", DataTable).focus()

    def show(self, snapshot: Snapshot, lang: str, tz: ZoneInfo) -> None:
        """Redraw every widget from a snapshot."""
        name = province_name(snapshot.province) or snapshot.province
        clock = snapshot.taken_at.astimezone(tz).strftime("%H:%M:%S %d/%m/%Y")
        title = f"{t('title', lang, province=name.upper())}  —  {clock}"
        if snapshot.broker_down_since is not None:
            since = snapshot.broker_down_since.astimezone(tz).strftime("%H:%M:%S")
            title += f"  [bold white on red]{t('broker_down', lang, since=since)}[/]"
        self.query_one("#title", Static).update(title)
        self.query_one(TotalsLine).show(snapshot, lang)
        critical = any(a.severity is Severity.CRITICAL for a in snapshot.alerts)
        self.query_one(SectionTabs).relabel(lang, len(snapshot.alerts), critical)
        self.query_one(HourlyChart).show(snapshot.hourly, lang)
        self.query_one("#posts-title", Static).update(t("posts", lang))
        self.query_one(PostsTable).show(snapshot.posts, snapshot.taken_at, lang)
        self.query_one("#kiosks-title", Static).update(t("kiosks", lang))
        self.query_one(KiosksTable).show(snapshot.kiosks, lang)
        self.query_one("#alerts-title", Static).update(
            t("alerts", lang) if snapshot.alerts else
            f"{t('alerts', lang)} — {t('no_alerts', lang)}")
        self.query_one(AlertsTable).show(snapshot.alerts, tz, lang)
        self.call_after_refresh(self._kiosks_below_posts)
