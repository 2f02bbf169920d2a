"""The kiosk's scan path: code text → verdict → ScanEvent committed to the journal, in that order.

Runs on worker threads (the journal commit waits for the disk); the UI shows a verdict only
after `scan` or `manual` has returned the committed event. Every event is checked against the
center's own event contract first: what the center would quarantine is refused here, before
anything is committed or shown as done.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime

from infra.event_contract import event_problem
from kiosk_ui.ports import E, KioskPorts
from screening.evaluate import TemperatureReading, evaluate
from screening.event import EventHeader, ScanEvent, StaffAction
from screening.identity import Identity
from screening.scan import (
    ScanResult,
    Travel,
    certified_entry,
    manual_only,
    read_code,
    with_manual_entry,
)
from screening.storable import storable_identity
from screening.verdict import Outcome

# A journal that cannot commit: disk full (kiosk_ui.journal.JournalFull), I/O error, SQLite.
RECORD_ERRORS = (OSError, RuntimeError, sqlite3.Error)
# Stands in for the journal's header while an event is checked before its commit.
PROBE_ID = "0" * 26


class EventRefused(ValueError):
    """An event the center would not store as it is: nothing was committed; staff enter the
    traveller by hand instead."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


class Checkpoint:
    """Decides and records scans and staff actions for one kiosk."""

    def __init__(self, ports: KioskPorts, staff: str = "") -> None:
        self.ports = ports
        self.staff = staff
        # One commit at a time keeps sequence numbers in the order verdicts are shown.
        self._lock = threading.Lock()

    def scan(self, text: str) -> ScanEvent:
        """Read, verify and evaluate one scanned text, commit the event, return it."""
        now = self.ports.clock()
        in_force = self.ports.policy.current()
        policy = in_force.policy
        return self._decide(read_code(text, in_force.trusted, now, policy.validity(),
                                      certificates=in_force.certificates,
                                      max_trust_age=policy.max_trust_age()), now)

    def manual(self, identity: Identity, travel: Travel, scanned: ScanResult | None = None,
               temperature: TemperatureReading | None = None) -> ScanEvent:
        """Record a traveller whose travel staff entered (after a CCCD or certificate scan, or
        with none); `temperature` is the reading taken with that scan, if any."""
        now = self.ports.clock()
        identity = storable_identity(identity)
        certified = certified_entry(scanned, identity, travel) if scanned else None
        if certified is not None:
            result = certified  # the certificate's facts still count, with the typed passport
        elif scanned is not None and scanned.identity == identity:
            result = with_manual_entry(scanned, travel)
        else:
            result = manual_only(identity, travel)
        return self._decide(result, now, temperature)

    def act(self, scan: ScanEvent, action: str, outcome: Outcome | None = None,
            reason: str = "") -> StaffAction:
        """Record staff's confirm, override (outcome + reason) or reveal of a scan."""
        return self._commit(lambda header: StaffAction(
            header, scan.header.event_id, action, outcome, reason.strip(), self.staff))

    def _decide(self, result: ScanResult, now: datetime,
                reading: TemperatureReading | None = None) -> ScanEvent:
        thermometer = self.ports.thermometer
        if reading is None and thermometer is not None:
            reading = thermometer.latest(now)
        verdict = evaluate(result, reading, self.ports.policy.current().policy, now)
        return self._commit(lambda header: ScanEvent(header, result, reading, verdict))

    def _commit(self, build: Callable[[EventHeader], E]) -> E:
        problem = contract_problem(build, self.ports.clock())
        if problem is not None:
            raise EventRefused(problem)
        with self._lock:
            return self.ports.journal.record(build)


def contract_problem(build: Callable[[EventHeader], E], now: datetime) -> str | None:
    """Why the event `build` makes would break the event contract, or None when it keeps it."""
    return event_problem(build(EventHeader(PROBE_ID, 1, "post", "kiosk", now)).to_json())
