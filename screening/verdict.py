"""What the kiosk tells staff to do with a traveller."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from screening.reasons import Reason, message


class Outcome(StrEnum):
    """The five verdicts of the policy, plus `incomplete` for identity-only codes awaiting entry."""

    CLEAR = "clear"
    HOME_QUARANTINE = "home_quarantine"
    CENTRAL_QUARANTINE = "central_quarantine"
    MEDICAL_CHECK = "medical_check"
    REJECTED = "rejected"
    INCOMPLETE = "incomplete"


OUTCOME_LABELS: dict[Outcome, tuple[str, str]] = {
    Outcome.CLEAR: ("ĐƯỢC QUA", "CLEAR"),
    Outcome.HOME_QUARANTINE: ("CÁCH LY TẠI NHÀ", "HOME QUARANTINE"),
    Outcome.CENTRAL_QUARANTINE: ("CÁCH LY TẬP TRUNG", "CENTRALIZED QUARANTINE"),
    Outcome.MEDICAL_CHECK: ("KIỂM TRA Y TẾ", "MEDICAL CHECK"),
    Outcome.REJECTED: ("TỪ CHỐI", "REJECTED"),
    Outcome.INCOMPLETE: ("CẦN NHẬP THÔNG TIN", "DETAILS NEEDED"),
}


@dataclass(frozen=True)
class ReasonNote:
    """Words for a reason that the policy's data names, not a Reason code: a failed entry rule."""

    code: str
    vi: str
    en: str


@dataclass(frozen=True)
class Verdict:
    """Outcome, reasons in order of importance, quarantine days and the ward to notify."""

    outcome: Outcome
    reasons: tuple[Reason | str, ...]
    quarantine_days: int = 0
    notify_ward: str | None = None
    policy_version: int | None = None
    notes: tuple[ReasonNote, ...] = ()  # words for the reasons that are no Reason code

    def label(self, lang: str = "vi") -> str:
        """The outcome in words for the staff screen."""
        vi, en = OUTCOME_LABELS[self.outcome]
        return en if lang == "en" else vi

    def reason_text(self, reason: Reason | str, lang: str = "vi",
                    certificate: bool = False) -> str:
        """A reason in words: a failed entry rule in its own description, else its message."""
        note = next((n for n in self.notes if n.code == reason), None)
        if note is not None:
            return note.en if lang == "en" else note.vi
        return message(reason, lang, certificate)

    def to_json(self) -> dict[str, Any]:
        """JSON form used in events and `chot verify --json`."""
        return {"outcome": str(self.outcome), "reasons": [str(r) for r in self.reasons],
                "messages": [{"code": str(r), "vi": self.reason_text(r, "vi"),
                              "en": self.reason_text(r, "en")} for r in self.reasons],
                "quarantine_days": self.quarantine_days, "notify_ward": self.notify_ward,
                "policy_version": self.policy_version}
