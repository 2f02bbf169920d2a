"""How long a declaration may be used: the policy caps its validity and allows for clock skew."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from screening import declaration
from screening.default_policy import DEFAULT_BODY
from screening.evaluate import evaluate
from screening.policy import PolicyError, parse_policy
from screening.reasons import Reason, describe
from screening.scan import Verification, read_code
from screening.signed_code import Rejected, Verified, issue, read
from screening.verdict import Outcome

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)


def valid_for(duration: timedelta, issued: datetime = NOW):
    decl = declaration.example(issued)
    return replace(decl, issued_at=issued, expires_at=issued + duration)


def test_a_declaration_valid_for_100_years_is_refused(issuer, trusted, policy):
    code = issue(valid_for(timedelta(days=365 * 100)), issuer)
    result = read(code, trusted, NOW + timedelta(hours=1))
    assert isinstance(result, Rejected) and result.reason is Reason.VALIDITY_TOO_LONG
    scan = read_code(code, trusted, NOW + timedelta(days=3650))
    verdict = evaluate(scan, None, policy, NOW + timedelta(days=3650))
    assert (verdict.outcome, verdict.reasons) == (Outcome.REJECTED, (Reason.VALIDITY_TOO_LONG,))
    assert describe(Reason.VALIDITY_TOO_LONG)["vi"] != describe(Reason.VALIDITY_TOO_LONG)["en"]


def test_exactly_the_cap_is_accepted(issuer, trusted):
    assert isinstance(read(issue(valid_for(timedelta(hours=72)), issuer), trusted, NOW), Verified)
    over = read(issue(valid_for(timedelta(hours=72, seconds=1)), issuer), trusted, NOW)
    assert isinstance(over, Rejected) and over.reason is Reason.VALIDITY_TOO_LONG


def test_a_portal_clock_a_few_minutes_ahead_is_tolerated(issuer, trusted):
    ahead = issue(valid_for(timedelta(hours=72), NOW + timedelta(minutes=4)), issuer)
    assert isinstance(read(ahead, trusted, NOW), Verified)
    too_far = issue(valid_for(timedelta(hours=72), NOW + timedelta(minutes=6)), issuer)
    result = read(too_far, trusted, NOW)
    assert isinstance(result, Rejected) and result.reason is Reason.NOT_YET_VALID


def test_the_policy_in_force_sets_the_cap_and_the_skew(issuer, trusted):
    strict = parse_policy({**DEFAULT_BODY, "max_validity_hours": 24, "clock_skew_s": 0}, 2)
    lenient = parse_policy({**DEFAULT_BODY, "clock_skew_s": 900}, 3)
    three_days = issue(valid_for(timedelta(hours=72)), issuer)
    # Read with the default rules (as a caller that passes none), the policy still decides.
    scan = read_code(three_days, trusted, NOW)
    assert scan.verification is Verification.VALID
    assert evaluate(scan, None, strict, NOW).reasons == (Reason.VALIDITY_TOO_LONG,)
    ten_minutes_ahead = issue(valid_for(timedelta(hours=24), NOW + timedelta(minutes=10)),
                              issuer)
    scan = read_code(ten_minutes_ahead, trusted, NOW, lenient.validity())
    assert evaluate(scan, None, lenient, NOW).outcome is not Outcome.REJECTED
    scan = read_code(ten_minutes_ahead, trusted, NOW, strict.validity())
    assert scan.rejection is Reason.NOT_YET_VALID


@pytest.mark.parametrize("key, value", [("max_validity_hours", 0), ("max_validity_hours", 10_000),
                                        ("clock_skew_s", -1), ("clock_skew_s", 86_400)])
def test_out_of_range_validity_settings_name_the_key(key, value):
    with pytest.raises(PolicyError, match=key):
        parse_policy({**DEFAULT_BODY, key: value})
