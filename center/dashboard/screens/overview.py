"""The one screen of the dashboard: totals, hourly chart, posts, kiosks and alerts."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from center.dashboard.i18n import t
from center.dashboard.snapshot import Snapshot
from center.dashboard.widgets.alerts_table import AlertsTable
from center.dashboard.widgets.hourly_chart import HourlyChart
from center.dashboard.widgets.kiosks_table import KiosksTable
from center.dashboard.widgets.posts_table import PostsTable
from center.dashboard.widgets.totals_line import TotalsLine
from screening.places import province_name


class OverviewScreen(Screen[None]):
    """Everything at a glance; redrawn from each new snapshot."""

    def compose(self) -> ComposeResult:
        """Lay out the widgets."""
        yield Static(id="title")
        yield TotalsLine(id="totals")
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

    def show(self, snapshot: Snapshot, lang: str, tz: ZoneInfo) -> None:
        """Redraw every widget from a snapshot."""
        name = province_name(snapshot.province) or snapshot.province
        clock = snapshot.taken_at.astimezone(tz).strftime("%H:%M:%S %d/%m/%Y")
        self.query_one("#title", Static).update(
            f"{t('title', lang, province=name.upper())}  —  {clock}")
        self.query_one(TotalsLine).show(snapshot, lang)
        self.query_one(HourlyChart).show(snapshot.hourly, lang)
        self.query_one("#posts-title", Static).update(t("posts", lang))
        self.query_one(PostsTable).show(snapshot.posts, snapshot.taken_at, lang)
        self.query_one("#kiosks-title", Static).update(t("kiosks", lang))
        self.query_one(KiosksTable).show(snapshot.kiosks, lang)
        self.query_one("#alerts-title", Static).update(
            t("alerts", lang) if snapshot.alerts else
            f"{t('alerts', lang)} — {t('no_alerts', lang)}")
        self.query_one(AlertsTable).show(snapshot.alerts, tz, lang)
