"""The signed health declaration's claims: the dataclass, its JSON form and its compact CBOR map."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from screening.identity import Identity
from screening.places import Place

SCHEMA_VERSION = 1
CONTACTS = ("F0", "F1", "F2")
SYMPTOMS = ("fever", "cough", "breathless", "sore_throat", "loss_of_taste", "fatigue")
TEXT_FIELDS = ("name", "address", "route", "vehicle_plate")
MAX_TEXT = 400  # characters in one text claim; a whole code holds at most 4,096
LATEST_EPOCH = 253402300799  # 9999-12-31T23:59:59Z, the last second a datetime holds

# Short CBOR keys keep a full declaration inside a version-15 QR code.
KEYS = {
    "version": "v", "name": "n", "id_number": "i", "date_of_birth": "b", "phone": "p",
    "gender": "g", "address": "a", "origin": "o", "destination": "d", "route": "r",
    "vehicle_plate": "vp", "symptoms": "s", "contact": "c", "vaccine_doses": "vd",
    "last_dose": "vl", "issued_at": "ia", "expires_at": "ex",
}


@dataclass(frozen=True)
class Declaration:
    """A traveller's health and movement declaration (khai báo y tế)."""

    identity: Identity
    origin: Place
    destination: Place
    issued_at: datetime
    expires_at: datetime
    route: str = ""
    vehicle_plate: str = ""
    symptoms: tuple[str, ...] = ()
    contact: str | None = None
    vaccine_doses: int = 0
    last_dose: date | None = None
    version: int = field(default=SCHEMA_VERSION)

    def validate(self) -> None:
        """Raise ValueError naming the first bad field."""
        if not self.identity.name.strip():
            raise ValueError("name is empty")
        if not self.identity.id_number.strip():
            raise ValueError("id_number is empty")
        if any(len(text) > MAX_TEXT for text in self.texts()):
            raise ValueError(f"a text field is longer than {MAX_TEXT} characters")
        if self.contact is not None and self.contact not in CONTACTS:
            raise ValueError(f"contact must be one of {CONTACTS} or null, got {self.contact!r}")
        for symptom in self.symptoms:
            if symptom not in SYMPTOMS:
                raise ValueError(f"unknown symptom {symptom!r}; known: {', '.join(SYMPTOMS)}")
        if not 0 <= self.vaccine_doses <= 10:
            raise ValueError("vaccine_doses must be between 0 and 10")
        if self.expires_at <= self.issued_at:
            raise ValueError("expires_at must be after issued_at")
        self.origin.validate()
        self.destination.validate()

    def normalized(self) -> Declaration:
        """The same declaration with every text in Unicode NFC, as it is signed."""
        ident = self.identity
        return replace(
            self,
            identity=replace(ident, name=nfc(ident.name), address=_nfc_opt(ident.address)),
            route=nfc(self.route), vehicle_plate=nfc(self.vehicle_plate),
        )

    def texts(self) -> list[str]:
        """Every free-text field, for NFC checks."""
        return [self.identity.name, self.identity.address or "", self.route, self.vehicle_plate]


def nfc(text: str) -> str:
    """Unicode NFC form: Vietnamese typed with combining marks becomes precomposed."""
    return unicodedata.normalize("NFC", text)


def _nfc_opt(text: str | None) -> str | None:
    return None if text is None else nfc(text)


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def to_claims(decl: Declaration) -> dict[str, Any]:
    """Compact CBOR claim map with short keys; unset optional fields are left out."""
    ident = decl.identity
    claims: dict[str, Any] = {
        "v": decl.version, "n": ident.name, "i": ident.id_number,
        "o": _place_claims(decl.origin), "d": _place_claims(decl.destination),
        "ia": _epoch(decl.issued_at), "ex": _epoch(decl.expires_at),
    }
    optional = {
        "b": _day_claim(ident.date_of_birth),
        "p": ident.phone, "g": ident.gender, "a": ident.address, "r": decl.route or None,
        "vp": decl.vehicle_plate or None, "s": list(decl.symptoms) or None, "c": decl.contact,
        "vd": decl.vaccine_doses or None,
        "vl": _day_claim(decl.last_dose),
    }
    claims.update({k: v for k, v in optional.items() if v is not None})
    return claims


def _place_claims(place: Place) -> str | list[int]:
    # A foreign place is its country code; a Vietnamese one is [province, ward] as integers.
    if not place.domestic:
        return place.country
    codes = [int(place.province)] if place.province else []
    if place.ward:
        codes.append(int(place.ward))
    return codes


def _day_claim(day: date | None) -> int | None:
    return None if day is None else day.year * 10000 + day.month * 100 + day.day


def _day(value: object) -> date:
    number = _int(value, 0, 99991231, "dates must be integers YYYYMMDD")
    return date(number // 10000, number // 100 % 100, number % 100)


def from_claims(claims: object) -> Declaration:
    """Rebuild a Declaration from a claim map; raises ValueError naming what is wrong."""
    if not isinstance(claims, dict):
        raise ValueError("claims are not a map")
    try:
        return _from_claims(claims)
    except KeyError as exc:
        raise ValueError(f"missing claim {exc.args[0]!r}") from None
    except (TypeError, AttributeError, OverflowError) as exc:
        raise ValueError(f"bad claim: {exc!r}") from None


def _from_claims(c: dict[Any, Any]) -> Declaration:
    unknown = set(c) - set(KEYS.values())
    if unknown:
        raise ValueError(f"unknown claim key {sorted(map(str, unknown))[0][:20]!r}")
    identity = Identity(
        name=_text(c["n"]), id_number=_text(c["i"]),
        date_of_birth=_day(c["b"]) if "b" in c else None,
        gender=_opt_text(c.get("g")), phone=_opt_text(c.get("p")), address=_opt_text(c.get("a")),
    )
    symptoms = c.get("s", [])
    if not isinstance(symptoms, list) or len(symptoms) > len(SYMPTOMS):
        raise ValueError("symptoms must be a list of known symptoms")
    decl = Declaration(
        identity=identity, origin=_place(c["o"]), destination=_place(c["d"]),
        issued_at=_time(c["ia"]), expires_at=_time(c["ex"]),
        route=_opt_text(c.get("r")) or "", vehicle_plate=_opt_text(c.get("vp")) or "",
        symptoms=tuple(_text(s) for s in symptoms), contact=_opt_text(c.get("c")),
        vaccine_doses=_int(c.get("vd", 0), 0, 10, "vaccine_doses must be between 0 and 10"),
        last_dose=_day(c["vl"]) if "vl" in c else None,
        version=_int(c["v"], 0, 2**31, "version must be a small integer"),
    )
    decl.validate()
    return decl


def _int(value: object, low: int, high: int, problem: str) -> int:
    # Bounded before any use: a huge integer must cost nothing to refuse.
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(problem)
    return value


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    if len(value) > MAX_TEXT:
        raise ValueError(f"text longer than {MAX_TEXT} characters")
    return value


def _opt_text(value: object) -> str | None:
    return None if value is None else _text(value)


def _time(value: object) -> datetime:
    return datetime.fromtimestamp(
        _int(value, 0, LATEST_EPOCH, "time claims must be integer seconds up to year 9999"), UTC)


def _place(value: object) -> Place:
    if isinstance(value, str) and len(value) <= 3:
        place = Place(country=value)
    elif isinstance(value, list) and len(value) <= 2 and all(
            isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 99999 for v in value):
        codes = list(value) + [None, None]
        place = Place(province=None if codes[0] is None else f"{codes[0]:02d}",
                      ward=None if codes[1] is None else f"{codes[1]:05d}")
    else:
        raise ValueError("place claim must be a country code or [province, ward]")
    place.validate()
    return place


def to_json(decl: Declaration) -> dict[str, Any]:
    """The declaration as the JSON document `chot declare --json` reads."""
    out: dict[str, Any] = {**decl.identity.to_json(),
                           "origin": decl.origin.to_json(),
                           "destination": decl.destination.to_json(),
                           "route": decl.route, "vehicle_plate": decl.vehicle_plate,
                           "symptoms": list(decl.symptoms), "contact": decl.contact,
                           "vaccine_doses": decl.vaccine_doses,
                           "issued_at": decl.issued_at.isoformat(),
                           "expires_at": decl.expires_at.isoformat()}
    if decl.last_dose:
        out["last_dose"] = decl.last_dose.isoformat()
    return out


JSON_FIELDS = {"name", "id_number", "date_of_birth", "gender", "phone", "address", "origin",
               "destination", "route", "vehicle_plate", "symptoms", "contact", "vaccine_doses",
               "last_dose", "issued_at", "expires_at", "valid_hours"}


def from_json(data: object, now: datetime) -> Declaration:
    """Build a declaration from its JSON form; issued_at defaults to now, validity to 72 h."""
    if not isinstance(data, dict):
        raise ValueError("declaration must be a JSON object")
    unknown = set(data) - JSON_FIELDS
    if unknown:
        raise ValueError(f"unknown field {sorted(unknown)[0]!r}")
    try:
        issued = _parse_time(data["issued_at"]) if data.get("issued_at") else now
        if data.get("expires_at"):
            expires = _parse_time(data["expires_at"])
        else:
            expires = issued + timedelta(hours=float(data.get("valid_hours", 72)))
        identity = Identity(
            name=str(data["name"]), id_number=str(data["id_number"]),
            date_of_birth=date.fromisoformat(data["date_of_birth"])
            if data.get("date_of_birth") else None,
            gender=data.get("gender"), phone=data.get("phone"), address=data.get("address"),
        )
        decl = Declaration(
            identity=identity, origin=Place.from_json(data["origin"]),
            destination=Place.from_json(data["destination"]),
            issued_at=issued.replace(microsecond=0), expires_at=expires.replace(microsecond=0),
            route=str(data.get("route") or ""), vehicle_plate=str(data.get("vehicle_plate") or ""),
            symptoms=tuple(data.get("symptoms") or ()), contact=data.get("contact"),
            vaccine_doses=int(data.get("vaccine_doses") or 0),
            last_dose=date.fromisoformat(data["last_dose"]) if data.get("last_dose") else None,
        ).normalized()
    except KeyError as exc:
        raise ValueError(f"missing field {exc.args[0]!r}") from None
    except (TypeError, AttributeError) as exc:
        raise ValueError(f"bad field value: {exc}") from None
    decl.validate()
    return decl


def _parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def example(now: datetime) -> Declaration:
    """A realistic declaration: a truck driver from Bắc Ninh heading to a ward of Điện Biên."""
    return Declaration(
        identity=Identity(
            name="Nguyễn Thị Phương Thảo Hoàng Lê Khánh Ngọc",
            id_number="001199012345", date_of_birth=date(1990, 5, 17), gender="Nữ",
            phone="0912345678",
            address="Số 28 đường Nguyễn Trãi, tổ dân phố Quyết Thắng, "
                    "phường Điện Biên Phủ, Điện Biên",
        ),
        origin=Place(province="24", ward="07420"),
        destination=Place(province="11", ward="03127"),
        issued_at=now.replace(microsecond=0),
        expires_at=now.replace(microsecond=0) + timedelta(hours=72),
        route="QL279 qua đèo Pha Đin", vehicle_plate="98C-123.45",
        symptoms=("cough",), contact="F2", vaccine_doses=2, last_dose=date(2021, 9, 20),
    )
