"""Who a traveller is, as read from a declaration or a CCCD card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Identity:
    """Personal identity of a traveller; shown masked on screen by default."""

    name: str
    id_number: str
    date_of_birth: date | None = None
    gender: str | None = None
    phone: str | None = None
    address: str | None = None

    def to_json(self) -> dict[str, str]:
        """JSON form, names exactly as read; omits unset fields."""
        out = {"name": self.name, "id_number": self.id_number}
        if self.date_of_birth:
            out["date_of_birth"] = self.date_of_birth.isoformat()
        for key in ("gender", "phone", "address"):
            if value := getattr(self, key):
                out[key] = value
        return out

    def age_on(self, day: date) -> int | None:
        """Age in whole years on a given day."""
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def mask_id(id_number: str) -> str:
    """Mask an ID number for the screen, keeping the last 3 digits: '*********345'."""
    keep = 3 if len(id_number) > 4 else 1
    return "*" * (len(id_number) - keep) + id_number[-keep:]
