"""When a signed declaration may be used: its own window, capped and eased by the policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from screening.reasons import Reason

DEFAULT_MAX_VALIDITY_HOURS = 72.0  # the reference issuer's default validity
DEFAULT_CLOCK_SKEW_S = 300.0


@dataclass(frozen=True)
class ValidityRules:
    """The longest validity a declaration may claim, and how far ahead a kiosk's clock may lag."""

    max_validity: timedelta = timedelta(hours=DEFAULT_MAX_VALIDITY_HOURS)
    clock_skew: timedelta = timedelta(seconds=DEFAULT_CLOCK_SKEW_S)

    def check(self, issued_at: datetime, expires_at: datetime,
              now: datetime) -> tuple[Reason, str] | None:
        """Why a declaration with this window is not usable at `now`, or None when it is."""
        # A window longer than the cap is refused whatever the time: an issuer's key that
        # leaked must not be able to mint codes that outlive its revocation by years.
        if expires_at - issued_at > self.max_validity:
            return Reason.VALIDITY_TOO_LONG, f"{expires_at - issued_at} > {self.max_validity}"
        # Only issuance is eased: the portal's clock may run ahead of a kiosk's.
        if now + self.clock_skew < issued_at:
            return Reason.NOT_YET_VALID, issued_at.isoformat()
        if now >= expires_at:
            return Reason.EXPIRED, expires_at.isoformat()
        return None


DEFAULT_RULES = ValidityRules()
