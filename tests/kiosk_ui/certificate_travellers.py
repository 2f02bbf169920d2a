"""Certificate travellers for kiosk tests, signed by the simulator's own test signers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from kiosk_harness import NOW, Kiosk, make_kiosk

from sim.certificates import (
    CertificateSigners,
    dcc_vaccination,
    shc_vaccination,
    sign_dcc,
)

SIGNERS = CertificateSigners.generate(NOW)
BORN = date(1990, 4, 2)


def certificate_kiosk(language: str = "vi") -> Kiosk:
    """A kiosk whose trust list holds the simulator's DCC, DDCC and SMART signers."""
    kiosk = make_kiosk(language=language)
    kiosk.policy.replace(replace(kiosk.policy.current(),
                                 certificates=SIGNERS.trust(NOW - timedelta(days=2))))
    return kiosk


def german_dcc(signer_known: bool = True) -> str:
    """A complete vaccination issued in Germany (by a signer off the list when not known)."""
    signer = SIGNERS.dcc if signer_known else SIGNERS.unknown
    return sign_dcc(dcc_vaccination("Schmidt Anna Lena", BORN, 2, 2, "DE", date(2021, 9, 1)),
                    signer, "DE", NOW - timedelta(days=1), NOW + timedelta(days=90))


def smart_card() -> str:
    """A SMART Health Card with two doses (SMART cards state no series)."""
    return shc_vaccination("Anyperson John B.", BORN, [date(2021, 1, 1), date(2021, 1, 29)],
                           NOW - timedelta(days=1), SIGNERS.shc)
