"""The policy in force at start, read from the files the config names."""

from __future__ import annotations

from datetime import datetime

from kiosk_ui.config import PolicySection
from kiosk_ui.ports import PolicyInForce


class FilePolicy:
    """A PolicySource fixed at start from files; the gateway link replaces it when it lands."""

    def __init__(self, in_force: PolicyInForce) -> None:
        self._in_force = in_force

    def current(self) -> PolicyInForce:
        """The policy in force now."""
        return self._in_force

    def replace(self, in_force: PolicyInForce) -> None:
        """Put a newer verified policy in force."""
        self._in_force = in_force


def load_policy(section: PolicySection) -> PolicyInForce:
    """Policy, trusted issuers and issue time from files; raises chot.files.FileProblem."""
    from chot.files import read_json, read_policy, read_trusted_issuers, read_verify_key

    center = [read_verify_key(p) for p in section.center_keys]
    trusted = read_trusted_issuers(section.trust, center)
    policy = read_policy(section.file, center)
    issued_at = None
    if section.file:
        envelope = read_json(section.file)
        if isinstance(envelope, dict) and isinstance(envelope.get("issued_at"), str):
            issued_at = _parse_time(envelope["issued_at"])
    return PolicyInForce(policy, trusted, issued_at)


def _parse_time(text: str) -> datetime | None:
    from datetime import UTC

    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
