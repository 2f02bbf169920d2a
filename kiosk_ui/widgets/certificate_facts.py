"""A foreign certificate's facts in one line for staff: format, what it attests, date, country."""

from __future__ import annotations

from datetime import datetime

from kiosk_ui.i18n import t
from screening.certificates import CertificateVerified, CertType

FORMAT_NAMES = {"eu-dcc": "EU DCC", "who-ddcc": "WHO DDCC", "shc": "SMART"}


def certificate_line(cert: CertificateVerified, lang: str, now: datetime) -> str:
    """'EU DCC · tiêm mũi 2/2 · 2021-09-01 · nước cấp VN' (no personal data in it)."""
    facts = cert.facts
    parts = [FORMAT_NAMES.get(str(cert.format), str(cert.format))]
    if facts.type is CertType.VACCINATION:
        parts.append(t("cert_vaccination", lang, doses=facts.doses or "?",
                       series=facts.series or "?"))
    elif facts.type is CertType.TEST:
        parts.append(t("cert_test_negative", lang) if facts.test_result == "negative"
                     else t("cert_test_other", lang, result=facts.test_result or "?"))
    else:
        parts.append(t("cert_recovery", lang, until=facts.valid_until or "?"))
    if facts.date:
        parts.append(facts.date[:16].replace("T", " "))
    if facts.issuer_country:
        parts.append(t("cert_country", lang, country=facts.issuer_country))
    ended = cert.signer_expires_at
    if ended is not None and ended <= now:
        parts.append(t("cert_signer_ended", lang, date=ended.date().isoformat()))
    return " · ".join(parts)
