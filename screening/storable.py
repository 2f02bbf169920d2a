"""What a scan may carry into its event, decided once where the code is read.

Text from a code becomes storable here: lone surrogates (which a certificate's JSON can
escape) are replaced by U+FFFD, and a code whose text is longer than an event holds is
refused with a reason, never committed and then quarantined at the center.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from screening.declaration import MAX_TEXT
from screening.identity import Identity
from screening.text import is_scalar_text, shown_text

IDENTITY_TEXT = ("name", "id_number", "gender", "phone", "address")


def storable_identity(identity: Identity) -> Identity:
    """The identity with every text field made Unicode scalar text."""
    if all(is_scalar_text(text or "") for text in identity_texts(identity).values()):
        return identity

    def mended(text: str | None) -> str | None:
        return None if text is None else shown_text(text)

    return replace(identity, name=shown_text(identity.name),
                   id_number=shown_text(identity.id_number), gender=mended(identity.gender),
                   phone=mended(identity.phone), address=mended(identity.address))


def storable_holder(holder: Any) -> Any:
    """A certificate holder (name, birth date) with its name made Unicode scalar text."""
    if is_scalar_text(holder.name):
        return holder
    return replace(holder, name=shown_text(holder.name))


def too_long(texts: dict[str, str | None]) -> str | None:
    """The first named text longer than an event holds ('name: 411 > 400'), or None."""
    for name, text in texts.items():
        if text is not None and len(text) > MAX_TEXT:
            return f"{name}: {len(text)} > {MAX_TEXT} characters"
    return None


def identity_texts(identity: Identity | None) -> dict[str, str | None]:
    """An identity's text fields by name (empty when there is none)."""
    if identity is None:
        return {}
    return {key: getattr(identity, key) for key in IDENTITY_TEXT}
