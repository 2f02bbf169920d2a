"""A foreign certificate's facts in one line for staff: format, what it attests, date, country."""

from __future__ import annotations

from datetime import datetime

from kiosk_ui.place_names import country_text
from screening.certificates import CertificateVerified, CertType
from screening.words import t

FORMAT_NAMES = {"eu-dcc": "EU DCC", "who-ddcc": "WHO DDCC", "shc": "SMART"}


def doses_text(doses: int | None, series: int | None, lang: str) -> str:
    """The dose as the certificate writes it: 'tiêm mũi 2/2', 'tiêm mũi 3' (a SMART card
    states no series), or just 'tiêm chủng' when it numbers none."""
    if doses is None:
        return t("cert_vaccinated", lang)
    if series is None:
        return t("cert_dose", lang, doses=doses)
    return t("cert_vaccination", lang, doses=doses, series=series)


def certificate_line(cert: CertificateVerified, lang: str, now: datetime) -> str:
    """'EU DCC · tiêm mũi 2/2 · 2021-09-01 · nước cấp Đức (DE)' (no personal data in it)."""
    facts = cert.facts
    parts = [FORMAT_NAMES.get(str(cert.format), str(cert.format))]
    if facts.type is CertType.VACCINATION:
        parts.append(doses_text(facts.doses, facts.series, lang))
    elif facts.type is CertType.TEST:
        parts.append(t("cert_test_negative", lang) if facts.test_result == "negative"
                     else t("cert_test_other", lang, result=facts.test_result or "?"))
    else:
        parts.append(t("cert_recovery", lang, until=facts.valid_until or "?"))
    if facts.date:
        parts.append(facts.date[:16].replace("T", " "))
    if facts.issuer_country:
        parts.append(t("cert_country", lang, country=country_text(facts.issuer_country, lang)))
    ended = cert.signer_expires_at
    if ended is not None and ended <= now:
        parts.append(t("cert_signer_ended", lang, date=ended.date().isoformat()))
    return " · ".join(parts)
