"""The policy in force at start: the config's files, unless the kiosk has kept newer ones.

Documents the gateway link accepted are kept in the journal (infra.doc_store); at start
they are checked again against the center's keys and win over older files, so a restarted
kiosk, online or not, keeps the newest policy and never takes back a revoked issuer.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from infra.alarms import TRUST_SKIPPED, Alarms
from kiosk_ui.config import PolicySection
from kiosk_ui.ports import PolicyInForce

if TYPE_CHECKING:
    from infra.doc_store import DocHolder
    from screening.keys import VerifyKey
    from screening.signed_doc import SignedDoc

log = logging.getLogger(__name__)


class FilePolicy:
    """A PolicySource fixed at start from files; the gateway link replaces it when it lands."""

    def __init__(self, in_force: PolicyInForce,
                 start_versions: dict[str, int] | None = None) -> None:
        self._in_force = in_force
        # Versions of the signed documents in force at start, by kind: older ones are refused.
        self.start_versions = dict(start_versions or {})
        self._alarms: Alarms | None = None

    def attach_alarms(self, alarms: Alarms) -> None:
        """Report skipped trust entries as an alarm in the kiosk's state (the center's
        dashboard shows it), now and whenever a trust list is put in force."""
        self._alarms = alarms
        self.report_skipped()

    def report_skipped(self) -> None:
        """Log the trust entries skipped as malformed and raise or clear their alarm."""
        skipped = self._in_force.certificates.skipped
        for item in skipped:  # one bad signer never blocks the rest: named, skipped
            log.warning("trust entry skipped: %s", item)
        if self._alarms is None:
            return
        if skipped:
            self._alarms.raise_(TRUST_SKIPPED, f"{len(skipped)}: {'; '.join(skipped)}"[:300])
        else:
            self._alarms.clear(TRUST_SKIPPED)

    def current(self) -> PolicyInForce:
        """The policy in force now."""
        return self._in_force

    def replace(self, in_force: PolicyInForce) -> None:
        """Put a newer verified policy in force."""
        self._in_force = in_force

    def apply(self, doc: SignedDoc) -> None:
        """Put a newer verified policy or trust document (from the gateway link) in force."""
        from screening.policy import POLICY_KIND, parse_policy
        from screening.trust import certificate_trust, issuer_keys

        now, issued = self._in_force, _parse_time(doc.issued_at)
        if doc.kind == POLICY_KIND:
            self.replace(replace(now, policy=parse_policy(doc.body, doc.version),
                                 issued_at=issued))
        else:
            # The foreign signers ride in the same signed body as the issuers.
            self.replace(replace(now, trusted=issuer_keys(doc.body),
                                 certificates=certificate_trust(doc.body, issued)))
            self.report_skipped()


def load_policy(section: PolicySection, kept: DocHolder | None = None) -> FilePolicy:
    """Policy, trusted issuers and certificate signers, and issue time from files and the
    documents kept in `kept` (the journal), the newer of each; raises FileProblem."""
    from screening.files import read_json, read_policy, read_trust, read_verify_key
    from screening.policy import POLICY_KIND, parse_policy
    from screening.trust import TRUST_KIND, certificate_trust, issuer_keys

    center = [read_verify_key(p) for p in section.center_keys]
    files = read_trust(section.trust, center)
    trusted, certificates = files.issuers, files.certificates
    policy = read_policy(section.file, center)
    issued_at = None
    if section.file:
        envelope = read_json(section.file)
        if isinstance(envelope, dict) and isinstance(envelope.get("issued_at"), str):
            issued_at = _parse_time(envelope["issued_at"])
    trust_version = _trust_files_version(section.trust, center)
    stored = _kept_docs(kept, center)
    doc = stored.get(POLICY_KIND)
    if doc is not None and doc.version > policy.version:
        try:
            policy, issued_at = parse_policy(doc.body, doc.version), _parse_time(doc.issued_at)
        except ValueError as exc:
            log.warning("kept policy v%d is not usable: %s", doc.version, exc)
    doc = stored.get(TRUST_KIND)
    if doc is not None and doc.version > (trust_version or 0):
        try:
            trusted, certificates = issuer_keys(doc.body), certificate_trust(
                doc.body, _parse_time(doc.issued_at))
            trust_version = doc.version
        except ValueError as exc:
            log.warning("kept trust list v%d is not usable: %s", doc.version, exc)
    versions = {kind: version for kind, version in ((POLICY_KIND, policy.version),
                                                    (TRUST_KIND, trust_version)) if version}
    source = FilePolicy(PolicyInForce(policy, trusted, issued_at, certificates), versions)
    source.report_skipped()
    return source


def _kept_docs(kept: DocHolder | None, center: list[VerifyKey]) -> dict[str, SignedDoc]:
    if kept is None or not center:
        return {}
    from infra.doc_store import verified_docs
    from screening.keys import keyring

    return verified_docs(kept, keyring(center))


def _trust_files_version(paths: list[str], center: list[VerifyKey]) -> int | None:
    """The newest version among the signed trust lists the config names (already checked)."""
    from screening.files import read_json
    from screening.keys import keyring
    from screening.signed_doc import SignedDoc, open_doc
    from screening.trust import TRUST_KIND

    versions = [doc.version for doc in (open_doc(read_json(p), TRUST_KIND, keyring(center))
                                        for p in paths if p.endswith(".json"))
                if isinstance(doc, SignedDoc)]
    return max(versions, default=None)


def _parse_time(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
