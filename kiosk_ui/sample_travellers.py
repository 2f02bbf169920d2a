"""Sample travellers, one per outcome, as code texts: for the bench, the tests and demo inputs."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from screening import declaration, signed_code
from screening.identity import Identity
from screening.keys import SigningKey
from screening.places import Place

HOME_WARD = Place(province="11", ward="03127")  # Phường Điện Biên Phủ, Điện Biên
CCCD_LINE = "011090001234|123456789|Lò Văn Thắng|02091990|Nam|Bản Him Lam, Điện Biên|15082021"


def _declaration(now: datetime, name: str, id_number: str, origin: Place, plate: str = "",
                 contact: str | None = None, symptoms: tuple[str, ...] = ()
                 ) -> declaration.Declaration:
    base = declaration.example(now)
    # Issued an hour ago, valid the usual 72 hours from issue (the policy caps validity).
    issued = now.replace(microsecond=0) - timedelta(hours=1)
    return replace(base, identity=Identity(name=name, id_number=id_number,
                                           date_of_birth=date(1985, 3, 14), phone="0912000111"),
                   origin=origin, destination=HOME_WARD, vehicle_plate=plate,
                   route="", contact=contact, symptoms=symptoms, vaccine_doses=2,
                   issued_at=issued, expires_at=issued + timedelta(hours=72))


def sample_codes(key: SigningKey, now: datetime) -> dict[str, str]:
    """Code texts by the outcome the default policy gives them (with a normal temperature)."""
    forger = SigningKey.generate()
    codes = {
        "clear": _declaration(now, "Quàng Thị Hoa", "011185004321",
                              Place(province="11", ward="03151"), "27A-012.34"),
        "home_quarantine": _declaration(now, "Nguyễn Văn Bình", "001085006789",
                                        Place(province="01", ward="00004"), "29C-456.78"),
        "central_quarantine": _declaration(now, "Trần Thị Mai", "024185001122",
                                           Place(province="24", ward="07210"), "98C-123.45"),
        "medical_check": _declaration(now, "Phạm Đức Long", "011085009988",
                                      Place(province="11", ward="03158"), "",
                                      symptoms=("fever", "cough")),
    }
    out = {name: signed_code.issue(decl, key) for name, decl in codes.items()}
    out["rejected"] = signed_code.issue(codes["clear"], forger)
    out["cccd"] = CCCD_LINE
    return out
