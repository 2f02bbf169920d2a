"""The traveller summary: who, from where to where, vehicle and temperature with its age."""

from __future__ import annotations

from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from kiosk_ui.place_names import place_text
from kiosk_ui.shift import ShiftEntry
from kiosk_ui.time_text import age_text, clock_text
from kiosk_ui.widgets.certificate_facts import certificate_line
from screening.certificates import CertificateVerified
from screening.identity import mask_id
from screening.scan import CodeKind, ScanResult, Verification
from screening.words import known, t


def mask_name(name: str) -> str:
    """Initials of the family and middle names, the given name in full: 'N. T. P. Thảo'.

    Certificates write 'Family, Given Names'; a given name written as an initial ('John B.')
    is not the one kept: 'Anyperson, John B.' → 'A. John B.'.
    """
    words = name.replace(",", " ").split()
    if len(words) < 2:
        return name[:1] + "…" if name else ""
    keep = len(words) - 1
    while keep > 0 and words[keep].endswith("."):
        keep -= 1
    return " ".join(w if i >= keep else f"{w[0]}." for i, w in enumerate(words))


def id_label(scan: ScanResult, id_number: str, lang: str) -> str:
    """What the ID number is: a CCCD/CMND (9 or 12 digits), a passport typed beside a foreign
    certificate, or some other document."""
    if scan.kind is CodeKind.CERTIFICATE:
        return t("id_passport", lang)
    if id_number.isdigit() and len(id_number) in (9, 12):
        return t("id_number", lang)
    return t("id_document", lang)


def source_text(source: str, lang: str) -> str:
    """The input that read the code, in words ('máy đọc', 'camera', 'cán bộ nhập')."""
    key = f"src_{source}"
    return t(key, lang) if known(key) else source


def traveller_named(entry: ShiftEntry, lang: str, mask_names: bool = True) -> str:
    """Who a dialog acts on, as the card shows them: 'N. V. Bình · #12 · 10:00:03'."""
    event = entry.event
    ident = event.scan.identity
    if ident is not None and ident.name:
        name = ident.name if entry.revealed or not mask_names else mask_name(ident.name)
    elif event.scan.prefix:
        name = event.scan.prefix + "…"
    else:
        name = t("no_name", lang)
    return f"{name} · #{event.header.seq} · {clock_text(event.header.at)}"


class TravellerSummary(Static):
    """Identity (masked unless revealed), age, route, plate and temperature."""

    def show(self, entry: ShiftEntry | None, lang: str, now: datetime,
             mask_names: bool = True, fever_c: float = 37.5) -> None:
        """Render the entry's traveller (blank when there is none)."""
        if entry is None:
            self.update("", layout=False)
            return
        event = entry.event
        scan, ident, travel = event.scan, event.scan.identity, event.scan.travel
        table = Table.grid(padding=(0, 1))
        table.add_column(style="dim", no_wrap=True)
        table.add_column()
        dash = t("unknown", lang)
        if scan.verification is Verification.REJECTED and (ident or travel):
            table.add_row("⚠", Text(t("unverified", lang), style="bold"))
        if ident is not None:
            shown = entry.revealed or not mask_names
            table.add_row(t("name", lang), Text(ident.name if shown else mask_name(ident.name),
                                                style="bold"))
            age = ident.age_on(event.header.at.date())
            age_part = f"{t('age', lang)}: {dash if age is None else age}"
            if ident.id_number:
                id_text = ident.id_number if entry.revealed else mask_id(ident.id_number)
                table.add_row(id_label(scan, ident.id_number, lang), f"{id_text}   {age_part}")
            else:  # a foreign certificate names no ID number
                table.add_row("", age_part)
        if isinstance(scan.certificate, CertificateVerified):
            table.add_row(t("certificate", lang),
                          Text(certificate_line(scan.certificate, lang, event.header.at)))
        if travel is not None:
            route = Text(f"{place_text(travel.origin, lang)} → "
                         f"{place_text(travel.destination, lang)}")
            if travel.entered_by_staff:
                route.append(f" ({t('entered_by_staff', lang)})", style="italic")
            table.add_row(t("route", lang), route)
            if travel.vehicle_plate:
                table.add_row(t("plate", lang), travel.vehicle_plate)
        elif scan.prefix and ident is None:
            table.add_row(t("code_prefix", lang), Text(scan.prefix + "…", style="italic"))
        temp = event.temperature
        if temp is None:
            table.add_row(t("temperature", lang), t("no_reading", lang))
        else:
            age_s = (now - temp.taken_at).total_seconds()
            reading = Text(f"{temp.celsius:.1f} °C ({age_text(age_s, lang)})")
            if temp.celsius >= fever_c:
                reading.stylize("bold reverse")
            table.add_row(t("temperature", lang), reading)
        table.add_row(t("source", lang), f"{source_text(entry.source, lang)} · #{event.header.seq}")
        self.update(table, layout=False)
