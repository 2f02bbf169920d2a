"""Places: official Vietnamese administrative codes (vietnam-provinces) and ISO country codes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from vietnam_provinces import Province, ProvinceCode, Ward, WardCode

COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class Place:
    """Where a traveller comes from or goes to: a province/ward in Vietnam or a foreign country."""

    country: str = "VN"
    province: str | None = None
    ward: str | None = None

    @property
    def domestic(self) -> bool:
        """True when the place is in Vietnam."""
        return self.country == "VN"

    def to_json(self) -> dict[str, str]:
        """Compact JSON form with only the keys that are set."""
        out = {"country": self.country}
        if self.province:
            out["province"] = self.province
        if self.ward:
            out["ward"] = self.ward
        return out

    @classmethod
    def from_json(cls, data: object) -> Place:
        """Parse `{"country", "province", "ward"}`; raises ValueError naming the bad key."""
        if not isinstance(data, dict):
            raise ValueError("place must be an object with country/province/ward")
        unknown = set(data) - {"country", "province", "ward"}
        if unknown:
            raise ValueError(f"unknown place key: {sorted(unknown)[0]}")
        place = cls(country=str(data.get("country", "VN")).upper(),
                    province=_opt_str(data.get("province")), ward=_opt_str(data.get("ward")))
        place.validate()
        return place

    def validate(self) -> None:
        """Raise ValueError when a code is not an official one."""
        if not COUNTRY_RE.match(self.country):
            raise ValueError(f"country must be an ISO 3166 alpha-2 code, got {self.country!r}")
        if self.domestic:
            if self.province is not None and province_name(self.province) is None:
                raise ValueError(f"unknown province code {self.province!r}")
            if self.ward is not None:
                ward = ward_info(self.ward)
                if ward is None:
                    raise ValueError(f"unknown ward code {self.ward!r}")
                if self.province is not None and ward[1] != self.province:
                    raise ValueError(f"ward {self.ward} is not in province {self.province}")
        elif self.province or self.ward:
            raise ValueError("province/ward only apply to places in Vietnam (country VN)")

    def label(self) -> str:
        """Human label in Vietnamese, e.g. 'Phường Hoàn Kiếm, Thành phố Hà Nội' or 'CN'."""
        if not self.domestic:
            return self.country
        parts = []
        if self.ward and (info := ward_info(self.ward)):
            parts.append(info[0])
        if self.province and (name := province_name(self.province)):
            parts.append(name)
        return ", ".join(parts) or "VN"


def _opt_str(value: object) -> str | None:
    return None if value in (None, "") else str(value)


def normalize_province(code: str) -> str:
    """Official two-digit province code ('1' → '01')."""
    return code.zfill(2) if code.isdigit() else code


def normalize_ward(code: str) -> str:
    """Official five-digit ward code ('70' → '00070')."""
    return code.zfill(5) if code.isdigit() else code


@cache
def province_name(code: str) -> str | None:
    """Official name of a province code, or None when it is not a current province."""
    if not code.isdigit():
        return None
    try:
        return Province.from_code(ProvinceCode(int(code))).name
    except (ValueError, KeyError):
        return None


@cache
def ward_info(code: str) -> tuple[str, str] | None:
    """(name, province code) of a ward code, or None when it is not a current ward."""
    if not code.isdigit():
        return None
    try:
        ward = Ward.from_code(WardCode(int(code)))
    except (ValueError, KeyError):
        return None
    return ward.name, f"{int(ward.province_code):02d}"


def all_provinces() -> list[tuple[str, str]]:
    """Every current province as (code, name), sorted by code."""
    return sorted((f"{int(p.code):02d}", p.name) for p in Province.iter_all())


def wards_of(province: str) -> list[tuple[str, str]]:
    """Every ward of a province as (code, name)."""
    wards = Ward.iter_by_province(ProvinceCode(int(province)))
    return sorted((f"{int(w.code):05d}", w.name) for w in wards)
