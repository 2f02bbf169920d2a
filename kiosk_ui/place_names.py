"""Places as staff read them: Vietnamese units by name, countries by name with their code.

Country names come from the Unicode CLDR data that Babel ships ('DE' → 'Đức' / 'Germany').
"""

from __future__ import annotations

from functools import cache

from babel import Locale

from screening.places import Place


@cache
def _territories(lang: str) -> dict[str, str]:
    return dict(Locale.parse("en" if lang == "en" else "vi").territories)


def country_text(code: str, lang: str) -> str:
    """'Đức (DE)' / 'Germany (DE)'; the bare code when CLDR does not know it."""
    name = _territories(lang).get(code.upper())
    return f"{name} ({code})" if name else code


def place_text(place: Place, lang: str) -> str:
    """A ward and province by name, or a country by name with its code."""
    return place.label() if place.domestic else country_text(place.country, lang)
