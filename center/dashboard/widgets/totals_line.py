"""One line of today's totals by outcome, fevers, and the policy and trust-list rollouts."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from center.dashboard.snapshot import Snapshot
from center.dashboard.widgets.hourly_chart import NBSP, OUTCOME_STYLES
from center.report import OUTCOMES
from screening.words import t


def totals_text(snapshot: Snapshot, lang: str) -> Text:
    """'Today: Clear 120 · Home q. 40 … · Fevers 3 · Certificates: Vacc. DE 3 | Policy v4 —
    9/10 kiosks have it'."""
    totals = snapshot.totals
    text = Text(f"{t('totals', lang)}: ", style="bold")
    for outcome in OUTCOMES:
        # No-break spaces: 'Thiếu TT 3' stays on one line when the line wraps at 80 columns.
        label = t("outcome_" + outcome, lang).replace(" ", NBSP)
        text.append(f"{label}{NBSP}", style=OUTCOME_STYLES[outcome])
        text.append(f"{totals[outcome]}  ", style="bold")
    text.append(f"{t('fevers', lang)} ", style="bold red")
    text.append(f"{snapshot.fevers}  ", style="bold")
    if snapshot.counters:
        text.append(f"{t('stored', lang)} {snapshot.counters.get('stored', 0)}  ")
        text.append(f"{t('quarantined', lang)} {snapshot.counters.get('quarantined', 0)}  ")
    if snapshot.certificates:
        # Border arrivals with a foreign certificate, by type and issuing country.
        text.append(f"{t('certificates', lang)}: ", style="bold")
        text.append(" · ".join(
            f"{t('certs_' + kind, lang)}{NBSP}{country or '?'}{NBSP}{count}"
            for (kind, country), count in sorted(snapshot.certificates.items())) + "  ")
    text.append("│ ")
    if snapshot.published_policy is None:
        text.append(t("rollout_none", lang), style="dim")
    else:
        done, total = snapshot.rollout
        style = "bold green" if done == total else "bold yellow"
        text.append(t("rollout", lang, policy=snapshot.published_policy, done=done,
                      total=total), style=style)
    if snapshot.published_trust is not None:
        done, total = snapshot.trust_rollout
        style = "bold green" if done == total else "bold yellow"
        text.append("  ")
        text.append(t("trust_rollout", lang, trust=snapshot.published_trust, done=done,
                      total=total), style=style)
    return text


class TotalsLine(Static):
    """Today's totals and the policy and trust-list rollouts."""

    def show(self, snapshot: Snapshot, lang: str) -> None:
        """Redraw from a snapshot."""
        self.update(totals_text(snapshot, lang))
