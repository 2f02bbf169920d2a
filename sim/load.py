"""`chot sim load`: scan events injected through a kiosk's real journal and link.

The events are real ScanEvents (CCCD holders with staff-entered travel, screened by the
default policy); only the header changes from one to the next, so the generator itself costs
little and the journal, the link and everything downstream carry the load.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from kiosk_ui.journal import Journal, MakeEvent
from kiosk_ui.kiosk_link import KioskLink
from kiosk_ui.link_config import KioskLinkConfig
from screening.default_policy import default_policy
from screening.evaluate import TemperatureReading, evaluate
from screening.event import EventHeader, ScanEvent
from screening.keys import VerifyKey
from screening.places import Place
from screening.scan import Travel, read_code

SAMPLE_CARDS = (
    "001099012345|123456789|Nguyễn Văn An|01011990|Nam|Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội|"
    "01012021",
    "079188004321||Trần Thị Bích Ngọc|15081988|Nữ|12 Lê Lợi, Quận 1, TP Hồ Chí Minh|20052022",
    "048077001122|201234567|Lê Đức Thọ|30041977|Nam|Hải Châu, Đà Nẵng|11112021",
)
SAMPLE_TRIPS = (
    (Place("VN", "01"), Place("VN", "01")),
    (Place("VN", "79"), Place("VN", "01")),
    (Place("VN", "48"), Place("VN", "01")),
)
MAX_BATCH = 500


def sample_makers(now: datetime | None = None) -> list[MakeEvent]:
    """A few event templates: real scans screened by the default policy."""
    moment = now or datetime.now(UTC)
    policy = default_policy()
    makers: list[MakeEvent] = []
    for i, card in enumerate(SAMPLE_CARDS):
        origin, destination = SAMPLE_TRIPS[i % len(SAMPLE_TRIPS)]
        scan = read_code(card, {}, moment)
        if scan.identity is not None:
            scan = replace(scan, travel=Travel(origin, destination, entered_by_staff=True))
        temperature = TemperatureReading(36.5 + 0.4 * i, moment)
        verdict = evaluate(scan, temperature, policy, moment)
        makers.append(_maker(scan, temperature, verdict))
    return makers


def _maker(scan: Any, temperature: TemperatureReading, verdict: Any) -> MakeEvent:
    def make(header: EventHeader) -> ScanEvent:
        reading = TemperatureReading(temperature.celsius, header.at)
        return ScanEvent(header, scan, reading, verdict)
    return make


@dataclass
class LoadResult:
    """What a load run produced and how much of it the center acknowledged."""

    recorded: int
    acked: int
    elapsed_s: float
    last_seq: int
    docs_accepted: int = 0
    docs_rejected: int = 0

    def to_json(self) -> dict[str, Any]:
        """The last-line JSON of `chot sim load`."""
        return {"recorded": self.recorded, "acked": self.acked,
                "docs_accepted": self.docs_accepted, "docs_rejected": self.docs_rejected,
                "elapsed_s": round(self.elapsed_s, 3), "last_seq": self.last_seq,
                "events_per_s": round(self.recorded / self.elapsed_s, 1)
                if self.elapsed_s > 0 else None}


def run_load(journal: Journal, events: int, rate: float,
             on_recorded: Callable[[list[dict[str, Any]]], None] | None = None,
             should_stop: Callable[[], bool] = lambda: False) -> int:
    """Record `events` events at `rate` per second (0: as fast as possible, group commits).

    Returns how many were recorded; every one of them was committed before this counted it.
    """
    makers = sample_makers()
    start = time.monotonic()
    done = 0
    while done < events and not should_stop():
        if rate > 0:
            due = int((time.monotonic() - start) * rate) + 1 - done
            if due <= 0:
                time.sleep(max(0.0, start + (done / rate) - time.monotonic()))
                continue
        else:
            due = MAX_BATCH
        batch = min(due, events - done, MAX_BATCH)
        recorded = journal.record_many([makers[(done + i) % len(makers)]
                                        for i in range(batch)])
        done += len(recorded)
        if on_recorded is not None:
            on_recorded(recorded)
    return done


CONNECT_WAIT_S = 10.0


def load_through_link(cfg: KioskLinkConfig, events: int, rate: float, wait_s: float,
                      should_stop: Callable[[], bool] = lambda: False,
                      center_keys: list[VerifyKey] | None = None) -> LoadResult:
    """Open the kiosk's journal and link, record the events, wait for the center's acks.

    `center_keys` check the policy and trust documents the link is sent, as a kiosk's do.
    """
    journal = Journal(cfg.journal.path, cfg.post, cfg.kiosk)
    link = KioskLink(cfg, journal, center_keys=center_keys)
    link.start()
    # Paced load measures the relay, not this process's start: give the link a moment to
    # connect (a kiosk that cannot reach its broker still records; the events wait).
    connect_by = time.monotonic() + CONNECT_WAIT_S
    while not link.sending.wait(0.05) and time.monotonic() < connect_by and not should_stop():
        pass
    start = time.monotonic()
    try:
        recorded = run_load(journal, events, rate, should_stop=should_stop)
        deadline = time.monotonic() + wait_s
        while journal.counts()["pending"] and time.monotonic() < deadline \
                and not should_stop():
            time.sleep(0.1)
        counts = journal.counts()
        return LoadResult(recorded, recorded - min(recorded, counts["pending"]),
                          time.monotonic() - start, counts["last_seq"],
                          link.counters["docs_accepted"], link.counters["docs_rejected"])
    finally:
        link.stop()
        journal.close()
