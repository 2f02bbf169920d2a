"""Travellers carry the verdict the directives give them, independently of the JsonLogic rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.default_policy import DEFAULT_BODY, default_policy
from screening.evaluate import TemperatureReading, evaluate
from screening.keys import keyring
from screening.policy import parse_policy
from screening.reasons import Reason
from screening.scan import (
    CodeKind,
    Verification,
    certified_entry,
    manual_only,
    read_code,
    with_manual_entry,
)
from screening.verdict import Outcome
from sim.travellers import (
    Expected,
    Issuers,
    Kind,
    Mix,
    Origin,
    Traveller,
    TravellerFactory,
    expected_verdict,
)

NOW = datetime(2026, 11, 22, 7, 30, tzinfo=UTC)
EVERYTHING = Mix(kinds={kind: 1.0 for kind in Kind}, origins={o: 1.0 for o in Origin},
                 contact_f0=0.05, contact_f1=0.1, contact_f2=0.1, symptoms=0.1, fever=0.2,
                 trucks=0.3)


@pytest.fixture(scope="module")
def issuers() -> Issuers:
    return Issuers.generate(NOW)


def kiosk_verdict(traveller: Traveller, issuers: Issuers, policy, temp_c: float | None):
    """What a kiosk decides: the real scan path, staff typing travel where a kiosk would ask."""
    trusted = keyring([issuers.trusted.public])
    if traveller.code is None:
        scan = manual_only(traveller.identity, traveller.travel)
    else:
        scan = read_code(traveller.code, trusted, NOW,
                         certificates=issuers.certificates.trust(NOW))
        if scan.kind is CodeKind.CCCD:
            scan = with_manual_entry(scan, traveller.travel)
        elif scan.kind is CodeKind.CERTIFICATE and scan.identity is not None:
            # Staff type the passport number beside the certified name and birth date.
            typed = replace(scan.identity, id_number=traveller.key)
            scan = certified_entry(scan, typed, traveller.travel) or scan
    reading = None if temp_c is None else TemperatureReading(temp_c, NOW)
    verdict = evaluate(scan, reading, policy, NOW)
    return scan, Expected(verdict.outcome, tuple(str(r) for r in verdict.reasons),
                          verdict.quarantine_days, verdict.notify_ward)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), with_thermometer=st.booleans())
def test_the_kiosk_reaches_the_verdict_the_traveller_was_generated_with(
        issuers: Issuers, seed: int, with_thermometer: bool) -> None:
    policy = default_policy()
    factory = TravellerFactory(policy, EVERYTHING, issuers, seed)
    for _ in range(20):
        traveller = factory.next(NOW)
        temp = traveller.body_temp_c if with_thermometer else None
        _, got = kiosk_verdict(traveller, issuers, policy, temp)
        assert got == expected_verdict(traveller, policy, temp), traveller


def test_every_traveller_is_found_by_the_id_number_in_their_event(issuers: Issuers) -> None:
    factory = TravellerFactory(default_policy(), EVERYTHING, issuers, seed=4)
    travellers = [factory.next(NOW) for _ in range(200)]
    assert len({t.key for t in travellers}) == 200
    for traveller in travellers:
        scan, _ = kiosk_verdict(traveller, issuers, default_policy(), None)
        if traveller.certificate and scan.verification is Verification.REJECTED:
            # A refused certificate names nobody: its event is the traveller's at that kiosk.
            assert scan.identity is None
            continue
        assert scan.identity is not None and scan.identity.id_number == traveller.key


def test_bogus_codes_are_rejected_for_the_right_reason(issuers: Issuers) -> None:
    factory = TravellerFactory(default_policy(), Mix(
        kinds={Kind.FORGED: 1, Kind.UNTRUSTED: 1, Kind.EXPIRED: 1},
        origins={Origin.HOT_ZONE: 1}), issuers, seed=9)
    reasons = {Kind.FORGED: Reason.BAD_SIGNATURE, Kind.UNTRUSTED: Reason.UNKNOWN_KEY,
               Kind.EXPIRED: Reason.EXPIRED}
    seen = set()
    for _ in range(30):
        traveller = factory.next(NOW)
        scan, got = kiosk_verdict(traveller, issuers, default_policy(), None)
        assert scan.verification is Verification.REJECTED
        assert got == Expected(Outcome.REJECTED, (str(reasons[traveller.kind]),))
        seen.add(traveller.kind)
    assert seen == set(reasons)


def test_a_kiosk_on_a_wrong_policy_is_caught(issuers: Issuers) -> None:
    """The ground truth reads the zones the center published; a kiosk that forgot the hot
    zone sends hot-zone travellers home instead of to centralized quarantine."""
    published = default_policy()
    forgetful = parse_policy({**DEFAULT_BODY, "zones": {"provinces": {}}}, version=1)
    factory = TravellerFactory(published, Mix(kinds={Kind.DECLARATION: 1},
                                              origins={Origin.HOT_ZONE: 1}), issuers, seed=2)
    traveller = factory.next(NOW)
    _, got = kiosk_verdict(traveller, issuers, forgetful, None)
    expected = expected_verdict(traveller, published, None)
    assert expected.outcome is Outcome.CENTRAL_QUARANTINE
    assert got != expected


def test_a_fever_nobody_measured_does_not_count(issuers: Issuers) -> None:
    factory = TravellerFactory(default_policy(), Mix(kinds={Kind.DECLARATION: 1},
                                                     origins={Origin.IN_PROVINCE: 1}, fever=1.0),
                               issuers, seed=3)
    traveller = factory.next(NOW)
    assert traveller.body_temp_c >= 38.0
    assert expected_verdict(traveller, default_policy(), traveller.body_temp_c).outcome \
        is Outcome.MEDICAL_CHECK
    assert expected_verdict(traveller, default_policy(), None).outcome is Outcome.CLEAR
