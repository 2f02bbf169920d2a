"""The daily situation report (directives 001 and 003: filed before 16:00 each day).

Per post and for the province: scans by outcome, fevers, rejections, transfers to
centralized quarantine, arrivals with a foreign health certificate by its type and issuing
country, and the posts whose link was down, with how long. Pure: scans and
outages in, a `DailyReport` out; `center/report_formats.py` renders it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from center.day import day_bounds, event_at

OUTCOMES = ("clear", "home_quarantine", "central_quarantine", "medical_check", "rejected",
            "incomplete")
PROVINCE = "*"


@dataclass(frozen=True)
class Outage:
    """A post (or kiosk) whose link was down from `start` to `end` (None: still down)."""

    post: str
    start: datetime
    end: datetime | None
    kiosk: str | None = None

    def seconds_within(self, start: datetime, end: datetime) -> float:
        """How much of [start, end) this outage covers."""
        stop = min(self.end or end, end)
        return max(0.0, (stop - max(self.start, start)).total_seconds())


@dataclass
class Totals:
    """Counts for one post, or the province (post '*')."""

    post: str
    by_outcome: Counter[str] = field(default_factory=Counter)
    fevers: int = 0
    overrides: int = 0
    outages: int = 0
    outage_s: float = 0.0
    # Arrivals with a verified foreign certificate, by (type, issuing country or "").
    by_certificate: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def scans(self) -> int:
        """All scans counted."""
        return sum(self.by_outcome.values())

    @property
    def rejections(self) -> int:
        """Scans rejected (forged, expired or unreadable codes)."""
        return self.by_outcome["rejected"]

    @property
    def central_transfers(self) -> int:
        """Travellers sent to centralized quarantine."""
        return self.by_outcome["central_quarantine"]

    def add(self, scan: dict[str, Any]) -> None:
        """Count one scan."""
        self.by_outcome[str(scan["outcome"])] += 1
        if "fever" in (scan.get("reasons") or []):
            self.fevers += 1
        if "kiosk_outcome" in scan:
            self.overrides += 1
        cert = scan.get("certificate")
        # A card still asking for the trip is followed by the traveller's decided scan.
        if isinstance(cert, dict) and scan["outcome"] != "incomplete":
            self.by_certificate[(str(cert.get("type")), str(cert.get("country") or ""))] += 1

    def to_json(self) -> dict[str, Any]:
        """The totals as a JSON object."""
        return {"post": self.post, "scans": self.scans,
                "by_outcome": {o: self.by_outcome[o] for o in OUTCOMES},
                "fevers": self.fevers, "rejections": self.rejections,
                "central_transfers": self.central_transfers, "overrides": self.overrides,
                "outages": self.outages, "outage_minutes": round(self.outage_s / 60, 1),
                "certificates": certificate_counts(self.by_certificate)}


def certificate_counts(counts: Counter[tuple[str, str]]) -> list[dict[str, Any]]:
    """Certificate arrivals as rows: type, country (None when unknown) and how many."""
    return [{"type": kind, "country": country or None, "scans": n}
            for (kind, country), n in sorted(counts.items())]


@dataclass(frozen=True)
class DailyReport:
    """One local day's report for a province, as of `generated_at`."""

    day: date
    province: str
    tz: str
    generated_at: datetime
    posts: list[Totals]
    province_totals: Totals
    hourly: list[Counter[str]]
    outages: list[Outage]

    def to_json(self) -> dict[str, Any]:
        """The report as one JSON object (what `--format json` prints)."""
        return {"day": self.day.isoformat(), "province": self.province, "tz": self.tz,
                "generated_at": self.generated_at.isoformat(timespec="seconds"),
                "province_totals": self.province_totals.to_json(),
                "posts": [p.to_json() for p in self.posts],
                "hourly": [{o: h[o] for o in OUTCOMES} for h in self.hourly],
                "outages": [{"post": o.post, "kiosk": o.kiosk, "start": o.start.isoformat(),
                             "end": o.end.isoformat() if o.end else None}
                            for o in self.outages]}


def build_report(day: date, tz: ZoneInfo, province: str, scans: list[dict[str, Any]],
                 outages: list[Outage], generated_at: datetime,
                 known_posts: list[str] | None = None) -> DailyReport:
    """Count a day's scans (overrides already applied) and post outages into a report."""
    start, end = day_bounds(day, tz)
    end = min(end, max(generated_at, start))
    per_post: dict[str, Totals] = {p: Totals(p) for p in known_posts or []}
    province_totals = Totals(PROVINCE)
    hourly: list[Counter[str]] = [Counter() for _ in range(24)]
    for scan in scans:
        at = event_at(scan)
        if not start <= at < end:
            continue
        per_post.setdefault(str(scan["post"]), Totals(str(scan["post"]))).add(scan)
        province_totals.add(scan)
        hourly[at.astimezone(tz).hour][str(scan["outcome"])] += 1
    post_outages = [o for o in outages if o.kiosk is None and o.seconds_within(start, end) > 0]
    for outage in post_outages:
        totals = per_post.setdefault(outage.post, Totals(outage.post))
        seconds = outage.seconds_within(start, end)
        totals.outages += 1
        totals.outage_s += seconds
        province_totals.outages += 1
        province_totals.outage_s += seconds
    return DailyReport(day, province, str(tz), generated_at,
                       [per_post[p] for p in sorted(per_post)], province_totals, hourly,
                       sorted(post_outages, key=lambda o: (o.start, o.post)))


def outages_from_log(entries: Sequence[tuple[str, str | None, bool, datetime]],
                     ) -> list[Outage]:
    """Outage intervals from a log of (post, kiosk, online, at) link changes, in time order."""
    down: dict[tuple[str, str | None], datetime] = {}
    outages = []
    for post, kiosk, online, at in sorted(entries, key=lambda e: e[3]):
        key = (post, kiosk)
        if not online:
            down.setdefault(key, at)
        elif key in down:
            outages.append(Outage(post, down.pop(key), at, kiosk))
    outages += [Outage(post, since, None, kiosk) for (post, kiosk), since in down.items()]
    return outages
