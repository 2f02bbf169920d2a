"""A day of simulated checkpoint traffic: real signed codes, read and screened by the core."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ulid import ULID

from screening.default_policy import default_policy
from screening.evaluate import TemperatureReading, evaluate
from screening.event import EventHeader, ScanEvent, StaffAction
from screening.keys import keyring
from screening.scan import read_code, with_manual_entry
from screening.verdict import Outcome
from sim.travellers import Issuers, Kind, Mix, Origin, TravellerFactory

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
POSTS = {"tay-trang": ("k1", "k2"), "huoi-puoc": ("k1",), "pha-din": ("k1", "k2")}
MIX = Mix(kinds={Kind.DECLARATION: 0.70, Kind.CCCD: 0.12, Kind.FORGED: 0.06,
                 Kind.UNTRUSTED: 0.04, Kind.EXPIRED: 0.08},
          origins={Origin.IN_PROVINCE: 0.35, Origin.OUT_OF_PROVINCE: 0.35,
                   Origin.HOT_ZONE: 0.1, Origin.ABROAD: 0.1, Origin.FOREIGN_HOT: 0.1},
          contact_f1=0.03, contact_f2=0.05, symptoms=0.04, fever=0.05, trucks=0.3)


def day_of_traffic(day: date, travellers: int = 300, seed: int = 7,
                   overrides: int = 5) -> list[dict[str, Any]]:
    """Scan events of `travellers` people spread over a local day at every post's kiosks,
    plus a few staff overrides; in event-time order."""
    rng = random.Random(seed)
    policy = default_policy()
    issuers = Issuers.generate()
    trusted = keyring([issuers.trusted.public])
    factory = TravellerFactory(policy, MIX, issuers, seed)
    kiosks = [(post, kiosk) for post, ks in POSTS.items() for kiosk in ks]
    seqs = {k: 0 for k in kiosks}
    opening = datetime.combine(day, time(5, 30), TZ)
    events = []
    for index in range(travellers):
        at = (opening + timedelta(seconds=index * (15 * 3600 / travellers)
                                  + rng.uniform(0, 20))).astimezone(UTC)
        post, kiosk = rng.choice(kiosks)
        seqs[post, kiosk] += 1
        traveller = factory.next(at)
        assert traveller.code is not None
        scan = read_code(traveller.code, trusted, at)
        if scan.identity is not None and scan.travel is None:
            scan = with_manual_entry(scan, traveller.travel)
        reading = TemperatureReading(traveller.body_temp_c, at - timedelta(seconds=2))
        header = EventHeader(str(ULID.from_datetime(at)), seqs[post, kiosk], post, kiosk, at)
        events.append(ScanEvent(header, scan, reading,
                                evaluate(scan, reading, policy, at)).to_json())
    for overridden in rng.sample([e for e in events if e["outcome"] == "home_quarantine"],
                                 overrides):
        post, kiosk = overridden["post"], overridden["kiosk"]
        seqs[post, kiosk] += 1
        at = datetime.fromisoformat(overridden["at"].replace("Z", "+00:00")) \
            + timedelta(seconds=30)
        header = EventHeader(str(ULID.from_datetime(at)), seqs[post, kiosk], post, kiosk, at)
        events.append(StaffAction(header, overridden["event_id"], "override", Outcome.CLEAR,
                                  reason="Giấy xét nghiệm âm tính", staff="cb01").to_json())
    return sorted(events, key=lambda e: e["at"])


def scan_maker(text: str, trusted: Any, celsius: float | None = None) -> Any:
    """A journal `MakeEvent`: the scan of `text` screened by the default policy at header time."""
    policy = default_policy()

    def make(header: EventHeader) -> ScanEvent:
        scan = read_code(text, trusted, header.at)
        reading = TemperatureReading(celsius, header.at) if celsius is not None else None
        return ScanEvent(header, scan, reading, evaluate(scan, reading, policy, header.at))
    return make
