"""Checking a run: the center's store against the ground truth and the kiosks' journals.

Pure: the runner hands in what it expected (one entry per traveller shown to a kiosk), what
the journals hold and what the center stored; out comes the one-line report.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sim.travellers import Expected

# The thermometer model reports in 0.02 K steps: a reading this close is the traveller's own.
SAME_TEMPERATURE_C = 0.06


@dataclass(frozen=True)
class Truth:
    """One traveller shown to a kiosk and the verdict they must get."""

    key: str  # the traveller's ID number, carried in the stored event
    kiosk: str  # "post/kiosk"
    kind: str
    expected: Expected
    shown_at: float  # wall clock: code steady in view / reader sending / staff done typing
    source: str  # reader | camera | manual
    shown_temp_c: float | None = None  # what the kiosk's thermometer was shown (None: nothing)
    unmeasured: Expected | None = None  # the verdict if that reading never reached the kiosk
    presented: str = ""  # what they showed: declaration, cccd, manual, eu_dcc, shc, ddcc


@dataclass(frozen=True)
class Stored:
    """One scan event in the center's store, with the time the center committed it."""

    event: dict[str, Any]
    received_at: float


@dataclass
class RunReport:
    """The figures `chot sim run` prints; `ok` is what its exit code says."""

    produced: int
    delivered_unique: int
    lost: int
    duplicates_stored: int
    verdict_mismatches: int
    scan_to_verdict_p95_ms: float | None
    kiosk_to_center_p99_ms: float | None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Nothing lost, nothing doubled, nothing mis-judged."""
        return self.lost == 0 and self.duplicates_stored == 0 and self.verdict_mismatches == 0

    def to_json(self) -> dict[str, Any]:
        """The report line: the seven figures first, then the details."""
        return {"produced": self.produced, "delivered_unique": self.delivered_unique,
                "lost": self.lost, "duplicates_stored": self.duplicates_stored,
                "verdict_mismatches": self.verdict_mismatches,
                "scan_to_verdict_p95_ms": self.scan_to_verdict_p95_ms,
                "kiosk_to_center_p99_ms": self.kiosk_to_center_p99_ms, **self.details}


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (share 0..1) of values, None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def compare(truth: list[Truth], journal_ids: set[str], stored: list[Stored],
            verdict_times: dict[str, float], unchecked: frozenset[str] = frozenset(),
            event_keys: dict[str, str] | None = None) -> RunReport:
    """The run's report.

    `journal_ids`: event ids of the scans committed on the kiosks. `stored`: every scan
    event row in the center's store. `verdict_times`: wall-clock commit time per traveller
    key, as the kiosks reported it. Events of `unchecked` kiosks ("post/kiosk", where staff
    decide) must arrive exactly once but have no verdict to check. `event_keys` names the
    traveller of events that carry no ID number (a certificate before staff add the passport,
    a rejected certificate).
    """
    event_keys = event_keys or {}
    by_key: dict[str, list[Stored]] = {}
    stored_ids = Counter(row.event["event_id"] for row in stored)
    for row in stored:
        if f"{row.event['post']}/{row.event['kiosk']}" in unchecked:
            continue
        key = (row.event.get("identity") or {}).get("id_number") \
            or event_keys.get(row.event["event_id"])
        by_key.setdefault(str(key), []).append(row)
    # A card that asked for the trip, then the trip staff typed on the form: the last decides.
    by_key = {key: _decided(rows) for key, rows in by_key.items()}
    undelivered = journal_ids - set(stored_ids)
    missed = [t for t in truth if t.key not in by_key]
    doubled = sum(n - 1 for n in stored_ids.values()) + sum(
        len(rows) - 1 for key, rows in by_key.items() if len(rows) > 1)
    mismatches = []
    unmeasured = 0
    for t in truth:
        rows = by_key.get(t.key)
        if not rows:
            continue
        event = rows[-1].event
        want, taken = _expected_given_reading(t, event.get("temperature_c"))
        unmeasured += taken == "unmeasured"
        got = _verdict_of(event)
        if taken == "wrong" or got != want:
            mismatches.append({"key": t.key, "kind": t.kind, "kiosk": t.kiosk,
                               "expected": _expected_json(want), "got": _expected_json(got),
                               "temperature_shown_c": t.shown_temp_c,
                               "temperature_recorded_c": event.get("temperature_c")})
    strangers = [key for key in by_key if key not in {t.key for t in truth}]
    scan_ms_by_source: dict[str, list[float]] = {}
    for t in truth:
        if t.source != "manual" and t.key in verdict_times:
            scan_ms_by_source.setdefault(t.source, []).append(
                max(0.0, verdict_times[t.key] - t.shown_at) * 1000)
    scan_ms = [ms for values in scan_ms_by_source.values() for ms in values]
    relay_ms = [max(0.0, row.received_at - _epoch(row.event["at"])) * 1000 for row in stored]
    p95 = percentile(scan_ms, 0.95)
    p99 = percentile(relay_ms, 0.99)
    details = {
        "travellers": len(truth), "missed_scans": len(missed), "undelivered": len(undelivered),
        "unmeasured_while_plugged": unmeasured,
        "unexpected_events": len(strangers),
        "by_outcome": dict(Counter(str(t.expected.outcome) for t in truth)),
        "by_source": dict(Counter(t.source for t in truth)),
        "by_kind": dict(Counter(t.presented or t.kind for t in truth)),
        "scan_to_verdict_p50_ms": _round(percentile(scan_ms, 0.5)),
        "scan_to_verdict_p95_ms_by_source": {
            source: _round(percentile(values, 0.95))
            for source, values in sorted(scan_ms_by_source.items())},
        "kiosk_to_center_p50_ms": _round(percentile(relay_ms, 0.5)),
        "mismatch_examples": mismatches[:5], "missed_examples": [
            {"key": t.key, "kind": t.kind, "kiosk": t.kiosk, "source": t.source}
            for t in missed[:5]],
    }
    return RunReport(produced=len(journal_ids), delivered_unique=len(journal_ids & set(stored_ids)),
                     lost=len(undelivered) + len(missed), duplicates_stored=doubled,
                     verdict_mismatches=len(mismatches) + len(strangers),
                     scan_to_verdict_p95_ms=_round(p95), kiosk_to_center_p99_ms=_round(p99),
                     details=details)


def _decided(rows: list[Stored]) -> list[Stored]:
    """A traveller's events in order, without cards that asked for the trip staff then typed."""
    ordered = sorted(rows, key=lambda row: (row.event["at"], row.event.get("seq", 0)))
    final = [row for row in ordered if row.event["outcome"] != "incomplete"]
    return final or ordered[-1:]


def _expected_given_reading(t: Truth, recorded_c: object) -> tuple[Expected, str]:
    """The verdict to expect given what the kiosk recorded, and how the reading was taken:
    "as_shown", "unmeasured" (the thermometer was shown the traveller but no fresh reading
    reached the kiosk: checked as a verdict without temperature, counted apart) or "wrong" (a
    temperature that is not this traveller's, e.g. the previous one's stale reading)."""
    if recorded_c is None:
        if t.shown_temp_c is None or t.unmeasured is None:
            return t.expected, "as_shown"
        return t.unmeasured, "unmeasured"
    if t.shown_temp_c is None or not isinstance(recorded_c, int | float) \
            or abs(recorded_c - t.shown_temp_c) > SAME_TEMPERATURE_C:
        return t.expected, "wrong"
    return t.expected, "as_shown"


def _verdict_of(event: dict[str, Any]) -> Expected:
    from screening.verdict import Outcome

    return Expected(Outcome(event["outcome"]), tuple(event["reasons"]),
                    int(event.get("quarantine_days") or 0), event.get("notify_ward"))


def _expected_json(expected: Expected) -> dict[str, Any]:
    return {"outcome": str(expected.outcome), "reasons": list(expected.reasons),
            "quarantine_days": expected.quarantine_days, "notify_ward": expected.notify_ward}


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
