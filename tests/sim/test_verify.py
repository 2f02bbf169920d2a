"""The end-of-run check: lost, doubled and mis-judged events are all counted."""

from __future__ import annotations

from screening.verdict import Outcome
from sim.travellers import Expected
from sim.verify import RunReport, Stored, Truth, compare, percentile

CLEAR = Expected(Outcome.CLEAR, ("no_risk",))
HOME = Expected(Outcome.HOME_QUARANTINE, ("out_of_province_origin",), 14, "03127")


def truth(key: str, expected: Expected = CLEAR, shown_at: float = 100.0) -> Truth:
    return Truth(key, "p1/k1", "declaration", expected, shown_at, "reader")


def stored(event_id: str, key: str, expected: Expected = CLEAR, received_at: float = 0.0,
           kiosk: str = "k1") -> Stored:
    event = {"event_id": event_id, "post": "p1", "kiosk": kiosk, "type": "scan",
             "at": "1970-01-01T00:00:00.000Z", "identity": {"id_number": key},
             "outcome": str(expected.outcome), "reasons": list(expected.reasons),
             "quarantine_days": expected.quarantine_days, "notify_ward": expected.notify_ward}
    return Stored(event, received_at)


def run(truths: list[Truth], journal: set[str], rows: list[Stored], **kw) -> RunReport:
    return compare(truths, journal, rows, {t.key: t.shown_at + 0.05 for t in truths}, **kw)


def test_a_clean_run_is_ok() -> None:
    report = run([truth("a"), truth("b", HOME)], {"E1", "E2"},
                 [stored("E1", "a", received_at=0.004), stored("E2", "b", HOME, 0.006)])
    assert report.ok
    assert (report.produced, report.delivered_unique, report.lost) == (2, 2, 0)
    assert report.scan_to_verdict_p95_ms == 50.0
    assert report.kiosk_to_center_p99_ms == 6.0


def test_an_event_that_never_reached_the_center_is_lost() -> None:
    report = run([truth("a"), truth("b")], {"E1", "E2"}, [stored("E1", "a")])
    assert report.lost == 2  # undelivered from the journal, and a traveller with no event
    assert not report.ok


def test_a_traveller_recorded_twice_is_a_duplicate() -> None:
    report = run([truth("a")], {"E1", "E2"}, [stored("E1", "a"), stored("E2", "a")])
    assert report.duplicates_stored == 1 and not report.ok


def test_a_verdict_that_differs_in_any_part_is_a_mismatch() -> None:
    wrong_ward = Expected(HOME.outcome, HOME.reasons, HOME.quarantine_days, "03151")
    report = run([truth("a", HOME)], {"E1"}, [stored("E1", "a", wrong_ward)])
    assert report.verdict_mismatches == 1
    assert report.details["mismatch_examples"][0]["got"]["notify_ward"] == "03151"


def test_events_of_the_staff_ui_kiosk_are_only_checked_for_delivery() -> None:
    report = run([truth("a")], {"E1", "E9"},
                 [stored("E1", "a"), stored("E9", "zz", HOME, kiosk="ui")],
                 unchecked=frozenset({"p1/ui"}))
    assert report.ok and report.delivered_unique == 2


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.95) == 95.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([], 0.5) is None


FEVER = Expected(Outcome.MEDICAL_CHECK, ("fever",))


def with_temp(row: Stored, celsius: float | None) -> Stored:
    return Stored({**row.event, "temperature_c": celsius}, row.received_at)


def fever_truth() -> Truth:
    return Truth("a", "p1/k1", "declaration", FEVER, 100.0, "reader", shown_temp_c=38.4,
                 unmeasured=CLEAR)


def test_someone_elses_temperature_is_a_mismatch() -> None:
    report = run([fever_truth()], {"E1"}, [with_temp(stored("E1", "a", CLEAR), 36.6)])
    assert report.verdict_mismatches == 1
    assert report.details["mismatch_examples"][0]["temperature_recorded_c"] == 36.6


def test_the_travellers_own_temperature_must_give_their_verdict() -> None:
    assert run([fever_truth()], {"E1"}, [with_temp(stored("E1", "a", FEVER), 38.38)]).ok
    report = run([fever_truth()], {"E1"}, [with_temp(stored("E1", "a", CLEAR), 38.38)])
    assert report.verdict_mismatches == 1


def test_a_reading_that_never_arrived_is_judged_without_it_and_counted() -> None:
    report = run([fever_truth()], {"E1"}, [with_temp(stored("E1", "a", CLEAR), None)])
    assert report.ok and report.details["unmeasured_while_plugged"] == 1
