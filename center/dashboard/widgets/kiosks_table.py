"""Every kiosk: reachable or not, events waiting on it, versions in force, lagging ones red."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from center.dashboard.snapshot import KioskRow
from center.dashboard.widgets.alarm_words import alarms_text
from center.dashboard.widgets.posts_table import status_cell
from screening.words import t

COLUMNS = ("post", "kiosk", "status", "backlog", "policy", "trust", "alarms")


class KiosksTable(DataTable[object]):
    """One row per kiosk; those behind the published policy are marked."""

    def show(self, rows: list[KioskRow], lang: str) -> None:
        """Replace the rows (and headers, for the language)."""
        self.clear(columns=True)
        self.add_columns(*(t(c, lang) for c in COLUMNS))
        for row in rows:
            status = status_cell(row.online, lang) if row.reachable or not row.online \
                else Text(t("unreachable", lang), style="yellow")
            version = "—" if row.policy_version is None else f"v{row.policy_version}"
            policy = Text(f"{version} {t('lagging', lang)}", style="bold red") \
                if row.lagging else Text(version)
            self.add_row(row.post, row.kiosk, status,
                         "—" if row.pending is None else str(row.pending), policy,
                         "—" if row.trust_version is None else f"v{row.trust_version}",
                         alarms_text(row.alarms, lang),
                         key=f"{row.post}/{row.kiosk}")
