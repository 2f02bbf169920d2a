"""CertLogic date-times: every allowed text form, time-zone offsets, and plusTime's overflow."""

from __future__ import annotations

import pytest

from screening.certlogic import EvaluationError, evaluate, to_json


def iso(text: str, amount: int = 0, unit: str = "day") -> str:
    result = evaluate({"plusTime": [text, amount, unit]}, None)
    assert not isinstance(result, EvaluationError), result
    return to_json(result)


@pytest.mark.parametrize(("text", "expected"), [
    ("2021-06-01", "2021-06-01T00:00:00.000Z"),
    ("2021-06-01T10:20:30", "2021-06-01T10:20:30.000Z"),  # no offset: UTC
    ("2021-06-01T10:20:30Z", "2021-06-01T10:20:30.000Z"),
    ("2021-06-01T10:20:30+7", "2021-06-01T03:20:30.000Z"),
    ("2021-06-01T10:20:30+07", "2021-06-01T03:20:30.000Z"),
    ("2021-06-01T10:20:30+730", "2021-06-01T02:50:30.000Z"),
    ("2021-06-01T10:20:30+123", "2021-06-01T08:57:30.000Z"),  # ±hmm: +1:23
    ("2021-06-01T10:20:30+0730", "2021-06-01T02:50:30.000Z"),
    ("2021-06-01T10:20:30+7:30", "2021-06-01T02:50:30.000Z"),
    ("2021-06-01T10:20:30+07:30", "2021-06-01T02:50:30.000Z"),
    ("2021-06-01T10:20:30-05:00", "2021-06-01T15:20:30.000Z"),
    ("2021-06-01T22:00:00-05:00", "2021-06-02T03:00:00.000Z"),  # crosses midnight
    ("2021-06-01T02:00:00+07:00", "2021-05-31T19:00:00.000Z"),
    ("2021-06-01T10:20:30.1", "2021-06-01T10:20:30.100Z"),
    ("2021-06-01T10:20:30.1Z", "2021-06-01T10:20:30.100Z"),
    ("2021-06-01T10:20:30.123456789+07:00", "2021-06-01T03:20:30.123Z"),  # truncated
    ("2021-06-01T10:20:30.9999Z", "2021-06-01T10:20:30.999Z"),  # never rounded up
    ("2021-06", "2021-06-30T00:00:00.000Z"),  # partial dates round up, as dates of birth
    ("2021", "2021-12-31T00:00:00.000Z"),
])
def test_allowed_forms_become_utc_instants(text, expected):
    assert iso(text) == expected


@pytest.mark.parametrize("text", [
    "2021-6-1", "21-06-01", "2021-06-01T10:20", "2021-06-01 10:20:30", "2021-06-01T10:20:30+",
    "2021-06-01T10:20:30+12345", "2021-06-01T10:20:30z", "2021-02-30", "2021-13-01",
    "2021-06-01T24:00:00", "2021-06-01T10:60:00", "2021-06-01T10:20:30+25:00",
    "2021-06-01T10:20:30+07:60", "0000-01-01", "yesterday", "", "２０２１-06-01"])
def test_other_forms_and_impossible_dates_are_errors(text):
    assert isinstance(evaluate({"plusTime": [text, 0, "day"]}, None), EvaluationError)


@pytest.mark.parametrize(("text", "amount", "unit", "expected"), [
    ("2021-06-01T10:00:00Z", 72, "hour", "2021-06-04T10:00:00.000Z"),
    ("2021-06-01T10:00:00Z", -1, "hour", "2021-06-01T09:00:00.000Z"),
    ("2021-06-01", 14, "day", "2021-06-15T00:00:00.000Z"),
    ("2021-12-25", 10, "day", "2022-01-04T00:00:00.000Z"),
    ("2021-03-01", -1, "day", "2021-02-28T00:00:00.000Z"),
    ("2020-03-01", -1, "day", "2020-02-29T00:00:00.000Z"),
    ("2021-06-01", 6, "month", "2021-12-01T00:00:00.000Z"),
    ("2021-06-01", 7, "month", "2022-01-01T00:00:00.000Z"),
    ("2021-06-01", -6, "month", "2020-12-01T00:00:00.000Z"),
    ("2021-01-31", 1, "month", "2021-03-03T00:00:00.000Z"),  # JS overflow, no clamping
    ("2020-01-31", 1, "month", "2020-03-02T00:00:00.000Z"),
    ("2021-03-31", -1, "month", "2021-03-03T00:00:00.000Z"),
    ("2020-02-29", 1, "year", "2021-03-01T00:00:00.000Z"),
    ("2020-02-29", 4, "year", "2024-02-29T00:00:00.000Z"),
    ("2021-06-01T10:20:30.456+02:00", 1, "year", "2022-06-01T08:20:30.456Z"),
    ("2021", 1, "day", "2022-01-01T00:00:00.000Z"),
])
def test_plus_time_follows_javascript_utc_arithmetic(text, amount, unit, expected):
    assert iso(text, amount, unit) == expected


def test_no_daylight_saving_effects():
    # 28 March 2021 has a DST change in Europe; a day is still 24 hours in CertLogic.
    assert iso("2021-03-27T12:00:00+01:00", 1, "day") == iso("2021-03-27T12:00:00+01:00", 24,
                                                            "hour")


def test_months_and_years_are_added_to_the_utc_date_not_the_local_one():
    # 31 Jan 23:30 at -01:00 is 1 Feb 00:30 UTC: a month later is 1 Mar 00:30 UTC.
    assert iso("2021-01-31T23:30:00-01:00", 1, "month") == "2021-03-01T00:30:00.000Z"


def test_results_out_of_range_are_errors_not_exceptions():
    assert isinstance(evaluate({"plusTime": ["9999-12-31", 1, "day"]}, None), EvaluationError)
    assert isinstance(evaluate({"plusTime": ["0001-01-01T00:00:00+01:00", 0, "day"]}, None),
                      EvaluationError)
    assert isinstance(evaluate({"plusTime": ["2021-01-01", 10**12, "year"]}, None),
                      EvaluationError)


def test_a_validation_clock_in_hanoi_compares_with_a_utc_sample_time():
    rule = {"not-after": [{"plusTime": [{"var": "clock"}, 0, "day"]},
                          {"plusTime": [{"var": "sc"}, 72, "hour"]}]}
    sc = "2021-06-01T08:00:00Z"
    assert evaluate(rule, {"clock": "2021-06-04T15:00:00+07:00", "sc": sc}) is True  # 08:00 UTC
    assert evaluate(rule, {"clock": "2021-06-04T15:00:01+07:00", "sc": sc}) is False
