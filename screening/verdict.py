"""What the kiosk tells staff to do with a traveller."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from screening.reasons import Reason, describe


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
class Verdict:
    """Outcome, reasons in order of importance, quarantine days and the ward to notify."""

    outcome: Outcome
    reasons: tuple[Reason | str, ...]
    quarantine_days: int = 0
    notify_ward: str | None = None
    policy_version: int | None = None

    def label(self, lang: str = "vi") -> str:
        """The outcome in words for the staff screen."""
        vi, en = OUTCOME_LABELS[self.outcome]
        return en if lang == "en" else vi

    def to_json(self) -> dict[str, Any]:
        """JSON form used in events and `chot verify --json`."""
        return {"outcome": str(self.outcome), "reasons": [str(r) for r in self.reasons],
                "messages": [describe(r) for r in self.reasons],
                "quarantine_days": self.quarantine_days, "notify_ward": self.notify_ward,
                "policy_version": self.policy_version}
