"""Scans per hour by outcome as stacked bars drawn with block characters."""

from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual.widgets import Static

from center.report import OUTCOMES
from screening.words import t

NBSP = "\u00a0"

# The kiosk's verdict colours, so a bar reads like the screens at the posts.
OUTCOME_STYLES = {"clear": "green", "home_quarantine": "yellow",
                  "central_quarantine": "red", "medical_check": "magenta",
                  "rejected": "grey70", "incomplete": "blue"}
EIGHTHS = " ▁▂▃▄▅▆▇█"


def chart_text(hourly: list[Counter[str]], rows: int, lang: str) -> Text:
    """The chart: `rows` lines of bars (3 cells per hour), an hour axis and a legend."""
    totals = [sum(h.values()) for h in hourly]
    peak = max(totals, default=0) or 1
    text = Text()
    text.append(f"{t('hourly', lang)} (max {max(totals, default=0)})\n", style="bold")
    for row in range(rows - 1, -1, -1):
        for hour, counts in enumerate(hourly):
            height = round(totals[hour] / peak * rows * 8)
            filled = min(max(height - row * 8, 0), 8)
            style = _style_at(counts, (row * 8 + 4) / (rows * 8) * peak)
            text.append(EIGHTHS[filled] * 2, style=style)
            text.append(" ")
        text.append("\n")
    text.append("".join(f"{h:02d} " for h in range(24)) + "\n", style="dim")
    for outcome in OUTCOMES:
        text.append("██", style=OUTCOME_STYLES[outcome])
        text.append(f" {t('outcome_' + outcome, lang).replace(' ', NBSP)}  ")
    return text


def _style_at(counts: Counter[str], level: float) -> str:
    # The outcome whose slice of the stacked bar covers this height.
    cumulative = 0
    for outcome in OUTCOMES:
        cumulative += counts[outcome]
        if level <= cumulative:
            return OUTCOME_STYLES[outcome]
    return OUTCOME_STYLES[OUTCOMES[-1]]


class HourlyChart(Static):
    """Today's scans per local hour, stacked by outcome."""

    def show(self, hourly: list[Counter[str]], lang: str, rows: int = 6) -> None:
        """Redraw with new counts."""
        self.update(chart_text(hourly, rows, lang))
