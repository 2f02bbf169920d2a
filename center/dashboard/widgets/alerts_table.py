"""The newest alerts, critical ones (fever, forged codes, posts offline) in red."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widgets import DataTable

from center.alerts import Alert, Severity
from screening import words
from screening.reasons import message
from screening.words import t

COLUMNS = ("time", "kind", "where", "detail")
SEVERITY_STYLES = {Severity.CRITICAL: "bold white on red", Severity.WARNING: "bold yellow",
                   Severity.INFO: "green"}


def shown_detail(alert: Alert, lang: str) -> str:
    """An alert's detail in the reader's language: from its detail code and values, or,
    from a center that sent none, its text (codes in it put into words)."""
    if alert.detail_code:
        text = words.alert_detail(alert.detail_code, alert.detail_args, lang)
        if text is not None:
            return text
    return alert_detail(alert.detail, lang)


def alert_detail(detail: str, lang: str) -> str:
    """An alert's detail text in the reader's language where it is a code: a rejection
    reason ('bad_signature'), why a link went offline ('connection_lost'), a device alarm
    ('disk_full: …'); free text is shown as the center wrote it."""
    if words.known(f"reason.{detail}"):
        return message(detail, lang)
    if words.known(f"device.{detail}"):
        return words.t(f"device.{detail}", lang)
    code, sep, rest = detail.partition(": ")
    if sep and words.known(f"alarm.{code}"):
        english = words.t(f"alarm.{code}", "en")
        rest = rest.removeprefix(english).strip()
        return words.t(f"alarm.{code}", lang) + (f": {rest}" if rest else "")
    return detail


class AlertsTable(DataTable[object]):
    """One row per alert, newest first."""

    def show(self, alerts: list[Alert], tz: ZoneInfo, lang: str) -> None:
        """Replace the rows (and headers, for the language)."""
        self.clear(columns=True)
        self.add_columns(*(t(c, lang) for c in COLUMNS))
        for alert in alerts:
            where = "/".join(p for p in (alert.post, alert.kiosk) if p) or "—"
            count = f" ×{alert.count}" if alert.count > 1 else ""
            self.add_row(alert.at.astimezone(tz).strftime("%H:%M:%S"),
                         Text(alert.message(lang) + count,
                              style=SEVERITY_STYLES[alert.severity]),
                         where, shown_detail(alert, lang), key=alert.alert_id or None)
