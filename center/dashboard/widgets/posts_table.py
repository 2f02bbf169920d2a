"""Every post: its gateway online or not, backlog and oldest pending age, policy, kiosks."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import DataTable

from center.dashboard.age_text import age
from center.dashboard.snapshot import PostRow
from center.dashboard.widgets.alarm_words import alarms_text
from screening.words import t

# What staff look for first comes first: a narrow terminal cuts the table on the right.
COLUMNS = ("post", "status", "scans_today", "kiosks_online", "backlog_oldest", "policy",
           "alarms")


def status_cell(online: bool | None, lang: str) -> Text:
    """ONLINE in green, OFFLINE in red, '—' before any state was heard."""
    if online is None:
        return Text("—", style="dim")
    return Text(t("online", lang), style="bold green") if online \
        else Text(t("offline", lang), style="bold white on red")


class PostsTable(DataTable[object]):
    """One row per post."""

    def show(self, rows: list[PostRow], now: datetime, lang: str) -> None:
        """Replace the rows (and headers, for the language)."""
        self.clear(columns=True)
        self.add_columns(*(t(c, lang) for c in COLUMNS))
        for row in rows:
            status = status_cell(row.online, lang)
            if row.since is not None:
                status.append(f" {age((now - row.since).total_seconds(), lang)}", style="")
            backlog = "—" if row.backlog is None else \
                f"{row.backlog} ({age(row.oldest_pending_age_s, lang)})"
            self.add_row(row.post, status, str(row.scans_today),
                         f"{row.kiosks_online}/{row.kiosks_total}", backlog,
                         "—" if row.policy_version is None else f"v{row.policy_version}",
                         alarms_text(row.alarms, lang), key=row.post)
