"""Searchable administrative units: every province and ward, plus foreign country codes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from kiosk_ui.shift import fold
from screening.places import COUNTRY_RE, Place, all_provinces, wards_of

MAX_RESULTS = 30  # a screenful or two; typing narrows it further


@dataclass(frozen=True)
class PlaceChoice:
    """One pickable place with its label and the folded text searched."""

    place: Place
    label: str
    folded: str


@cache
def place_choices() -> tuple[PlaceChoice, ...]:
    """Provinces first, then their wards (built once, ~3,400 entries)."""
    choices = []
    for code, name in all_provinces():
        choices.append(PlaceChoice(Place(province=code), name, fold(f"{name} {code}")))
    for code, name in all_provinces():
        for ward_code, ward_name in wards_of(code):
            label = f"{ward_name}, {name}"
            choices.append(PlaceChoice(Place(province=code, ward=ward_code), label,
                                       fold(f"{label} {ward_code}")))
    return tuple(choices)


def search_places(query: str, wards_only: bool = False, countries: bool = True,
                  limit: int = MAX_RESULTS) -> list[PlaceChoice]:
    """Places whose label contains every word of the query (accents and case ignored).

    Labels with the query as one phrase come first ('ba dinh' → Phường Ba Đình before
    Xã Đình Phong, Cao Bằng).
    """
    words = fold(query).split()
    phrase = " ".join(words)
    exact: list[PlaceChoice] = []
    loose: list[PlaceChoice] = []
    code = query.strip().upper()
    if countries and not wards_only and COUNTRY_RE.match(code) and code != "VN":
        exact.append(PlaceChoice(Place(country=code), code, code.lower()))
    for choice in place_choices():
        if wards_only and choice.place.ward is None:
            continue
        if phrase in choice.folded:
            exact.append(choice)
            if len(exact) >= limit:
                break
        elif len(loose) < limit and all(word in choice.folded for word in words):
            loose.append(choice)
    return (exact + loose)[:limit]
