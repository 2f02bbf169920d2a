"""What simulated staff type at the kiosk, as the keys a person presses on the real UI.

A CCCD holder's card is on screen asking for the trip: F4 opens the form filled from the card,
staff type the vehicle plate, pick the origin and the destination by their codes in the place
picker, and save with F10. A traveller with nothing to scan is typed in whole.
"""

from __future__ import annotations

from screening.identity import Identity
from screening.places import Place
from screening.scan import Travel

TABS_TO_PLATE = 4  # CCCD box → name → ID number → birth date → plate


def typed(text: str) -> list[str]:
    """Key names that type `text`."""
    return ["space" if ch == " " else ch for ch in text]


def place_query(place: Place) -> str:
    """What staff type in the place picker to find a place first: its code."""
    if not place.domestic:
        return place.country
    return place.ward or place.province or ""


def trip_keys(travel: Travel) -> list[str]:
    """From the plate box: plate, origin and destination picked, saved."""
    return [*typed(travel.vehicle_plate), "tab",
            "enter", *typed(place_query(travel.origin)), "enter",
            "enter", *typed(place_query(travel.destination)), "enter", "f10"]


def complete_scanned(travel: Travel) -> list[str]:
    """F4 on a card asking for the trip (CCCD, certificate): the form is filled from the code."""
    return ["f4", *["tab"] * TABS_TO_PLATE, *trip_keys(travel)]


def complete_certificate(passport: str, travel: Travel) -> list[str]:
    """F4 on a certificate asking for the trip: name and birth date come from it, staff add
    the passport number, then the trip."""
    return ["f4", "tab", "tab", *typed(passport), "tab", "tab", *trip_keys(travel)]


def type_in(identity: Identity, travel: Travel) -> list[str]:
    """F4 with nothing scanned: identity and trip typed by hand."""
    born = identity.date_of_birth.strftime("%d%m%Y") if identity.date_of_birth else ""
    return ["f4", "tab", *typed(identity.name), "tab", *typed(identity.id_number), "tab",
            *typed(born), "tab", *trip_keys(travel)]
