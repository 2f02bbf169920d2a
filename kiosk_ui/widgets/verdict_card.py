"""The verdict card: a wide band in the outcome's colour with an icon and the outcome in words."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from kiosk_ui.shift import ShiftEntry
from screening.places import Place, ward_info
from screening.scan import CodeKind
from screening.verdict import Outcome
from screening.words import t

# The icon repeats the meaning for staff who cannot tell the colours apart.
ICONS: dict[Outcome, str] = {
    Outcome.CLEAR: "✔",
    Outcome.HOME_QUARANTINE: "⌂",
    Outcome.CENTRAL_QUARANTINE: "▲",
    Outcome.MEDICAL_CHECK: "✚",
    Outcome.REJECTED: "✖",
    Outcome.INCOMPLETE: "✎",
}
OUTCOME_CLASSES = [f"-{outcome}" for outcome in Outcome] + ["-waiting"]


def outcome_label(outcome: Outcome, lang: str) -> str:
    """The outcome in words, e.g. 'CÁCH LY TẠI NHÀ'."""
    return t(f"outcome.{outcome}", lang)


def fever_text(entry: ShiftEntry, lang: str, fever_c: float) -> Text | None:
    """'⚠ SỐT 39.1 °C ⚠' in reverse video when the scan's temperature is a fever, else None.

    Shown on every outcome: a forged code does not make its bearer's fever any less real.
    """
    temp = entry.event.temperature
    if temp is None or temp.celsius < fever_c:
        return None
    return Text(f" ⚠ {t('fever_mark', lang, celsius=f'{temp.celsius:.1f}')} ⚠ ",
                style="bold reverse")


class VerdictBand(Static):
    """Three rows of solid colour with the icon and the outcome label in the middle."""


class VerdictDetail(Static):
    """Reasons, quarantine days, the ward to notify and what staff did."""


class VerdictCard(Static):
    """Band plus details; its CSS class follows the outcome so the colour does too."""

    def compose(self) -> ComposeResult:
        """The band above the details."""
        yield VerdictBand(id="band")
        yield VerdictDetail(id="detail")

    def show(self, entry: ShiftEntry | None, lang: str, fever_c: float = 37.5) -> None:
        """Render an entry (None: waiting for the first scan); a temperature at or above
        `fever_c` is marked in the band whatever the outcome."""
        self.remove_class(*OUTCOME_CLASSES)
        band = self.query_one(VerdictBand)
        detail = self.query_one(VerdictDetail)
        if entry is None:
            self.add_class("-waiting")
            band.update(Text(t("waiting", lang), style="bold", justify="center"), layout=False)
            detail.update(Text(t("waiting_hint", lang), justify="center"), layout=False)
            return
        outcome = entry.outcome
        self.add_class(f"-{outcome}")
        icon = ICONS[outcome]
        # Fixed heights (kiosk.tcss): a verdict repaints without a new layout pass.
        band_text = Text(f"{icon}  {outcome_label(outcome, lang)}  {icon}", style="bold",
                         justify="center")
        fever = fever_text(entry, lang, fever_c)
        if fever is not None:
            band_text.append("\n")
            band_text.append_text(fever)
        band.update(band_text, layout=False)
        detail.update(Group(*self._details(entry, lang)), layout=False)

    def _details(self, entry: ShiftEntry, lang: str) -> list[Text]:
        verdict = entry.event.verdict
        # A certificate's failures (expired, bad signature, …) are worded for a certificate.
        foreign = entry.event.scan.kind is CodeKind.CERTIFICATE
        lines = [Text(f"• {verdict.reason_text(reason, lang, certificate=foreign)}")
                 for reason in verdict.reasons]
        facts = []
        if verdict.quarantine_days and entry.override is None:
            facts.append(t("quarantine_days", lang, days=verdict.quarantine_days))
        if verdict.notify_ward:
            info = ward_info(verdict.notify_ward)
            ward = Place(province=info[1] if info else None, ward=verdict.notify_ward).label()
            facts.append(t("notify_ward", lang, ward=ward))
        if facts:
            lines.append(Text(" · ".join(facts), style="bold"))
        if entry.override is not None:
            machine = outcome_label(verdict.outcome, lang)
            lines.append(Text(t("overridden", lang, reason=entry.override_reason)
                              + f" ({machine} → {outcome_label(entry.override, lang)})",
                              style="bold reverse"))
        elif entry.confirmed:
            lines.append(Text(f"✔ {t('confirmed', lang)}", style="bold"))
        return lines
