"""Questions over the store that span its days: a day's report, a ward's arrivals."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from center.arrivals import Arrival, arrival_of
from center.day import day_bounds, effective_scans, event_at
from center.link_log import LinkLog
from center.report import DailyReport, build_report, outages_from_log
from center.stores import StoreLocation, open_database
from screening.event import utc_iso


class EventSource(Protocol):
    """What these queries need of the store (center.store.Store has it)."""

    def events(self, day: str | date | None = None, post: str | None = None,
               kiosk: str | None = None, outcome: str | None = None, type: str | None = None,
               limit: int | None = None, newest_first: bool = False) -> list[dict[str, Any]]:
        """Stored events of a store day (the province's calendar day)."""
        ...

    def event(self, event_id: str) -> dict[str, Any] | None:
        """One stored event, or None."""
        ...


def day_events(store: EventSource, day: date, tz: ZoneInfo) -> list[dict[str, Any]]:
    """Every stored event whose time falls on the local day `day` in `tz`."""
    start, end = day_bounds(day, tz)
    found: dict[str, dict[str, Any]] = {}
    # The store files events under the province's day; a report in another zone may need
    # the days either side.
    for offset in (-1, 0, 1):
        for event in store.events(day=day + timedelta(days=offset)):
            if start <= event_at(event) < end:
                found[str(event["event_id"])] = event
    return list(found.values())


def daily_report(store: EventSource, links: LinkLog | None, province: str, day: date,
                 tz: ZoneInfo, now: datetime,
                 known_posts: list[str] | None = None) -> DailyReport:
    """The report of one local day as of `now`."""
    scans = effective_scans(day_events(store, day, tz))
    outages = outages_from_log(links.changes(now)) if links is not None else []
    return build_report(day, tz, province, scans, outages, now, known_posts)


def ward_arrivals(store: EventSource, ward: str, day: date, tz: ZoneInfo) -> list[Arrival]:
    """The travellers announced to one ward on one local day, in time order."""
    arrivals = [arrival_of(scan, tz) for scan in effective_scans(day_events(store, day, tz))]
    return [a for a in arrivals if a is not None and a.ward == ward]


class TodayCounts:
    """Scans per local hour and outcome, straight from the store's `events` table (read only).

    The dashboard asks every few seconds; counting in SQL keeps that cheap on a busy day.
    Relies on the table's columns `day`, `at` (UTC ISO), `type`, `outcome`, `payload`.
    """

    def __init__(self, where: StoreLocation) -> None:
        self.db = open_database(where, read_only=True)

    def hourly(self, day: date, tz: ZoneInfo) -> tuple[list[Counter[str]], int]:
        """(scans per local hour by outcome, fevers) for one local day."""
        start, end = day_bounds(day, tz)
        days = [(day + timedelta(days=d)).isoformat() for d in (-1, 0, 1)]
        rows = self.db.rows(
            "SELECT substr(at, 1, 13), outcome, count(*), "
            "sum(CASE WHEN payload LIKE '%\"fever\"%' THEN 1 ELSE 0 END) FROM events "
            "WHERE day IN (?,?,?) AND type='scan' AND at >= ? AND at < ? "
            "GROUP BY substr(at, 1, 13), outcome",
            (*days, utc_iso(start), utc_iso(end)))
        hours: list[Counter[str]] = [Counter() for _ in range(24)]
        fevers = 0
        for hour_utc, outcome, count, fever in rows:
            local = datetime.fromisoformat(f"{hour_utc}:00:00+00:00").astimezone(tz)
            hours[local.hour][str(outcome)] += int(count)
            fevers += int(fever or 0)
        return hours, fevers

    def by_post(self, day: date, tz: ZoneInfo) -> dict[str, int]:
        """Scans per post on one local day."""
        start, end = day_bounds(day, tz)
        days = [(day + timedelta(days=d)).isoformat() for d in (-1, 0, 1)]
        rows = self.db.rows(
            "SELECT post, count(*) FROM events WHERE day IN (?,?,?) AND type='scan' "
            "AND at >= ? AND at < ? GROUP BY post",
            (*days, utc_iso(start), utc_iso(end)))
        return {str(post): int(count) for post, count in rows}

    def certificates(self, day: date, tz: ZoneInfo) -> Counter[tuple[str, str]]:
        """Decided scans with a foreign certificate on one local day, by (type, country or
        "")."""
        start, end = day_bounds(day, tz)
        days = [(day + timedelta(days=d)).isoformat() for d in (-1, 0, 1)]
        rows = self.db.rows(
            "SELECT payload FROM events WHERE day IN (?,?,?) AND type='scan' "
            "AND outcome <> 'incomplete' AND at >= ? AND at < ? "
            "AND payload LIKE '%\"certificate\":{%'",
            (*days, utc_iso(start), utc_iso(end)))
        found: Counter[tuple[str, str]] = Counter()
        for (payload,) in rows:
            cert = json.loads(payload).get("certificate")
            if isinstance(cert, dict):
                found[(str(cert.get("type")), str(cert.get("country") or ""))] += 1
        return found

    def close(self) -> None:
        """Close the connection."""
        self.db.close()
