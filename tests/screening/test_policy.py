"""The default policy decides as the provincial directives say; policies travel signed."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from screening.default_policy import DEFAULT_BODY
from screening.evaluate import TemperatureReading, evaluate
from screening.identity import Identity
from screening.keys import SigningKey, keyring
from screening.places import Place
from screening.policy import POLICY_KIND, PolicyError, parse_policy, policy_body
from screening.reasons import Reason
from screening.scan import CodeKind, ScanResult, Travel, Verification, manual_only
from screening.signed_doc import DocRejected, SignedDoc, accept_update, sign_doc
from screening.verdict import Outcome

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
HOME_WARD = Place(province="11", ward="03127")  # Phường Điện Biên Phủ, Điện Biên
PERSON = Identity(name="Lò Văn Páo", id_number="011088000123")


def scan(origin: Place, contact: str | None = None, symptoms: tuple[str, ...] = ()) -> ScanResult:
    travel = Travel(origin=origin, destination=HOME_WARD, contact=contact, symptoms=symptoms)
    return ScanResult(CodeKind.DECLARATION, Verification.VALID, identity=PERSON, travel=travel)


def fever(celsius: float, age_s: float = 2) -> TemperatureReading:
    return TemperatureReading(celsius, NOW - timedelta(seconds=age_s))


# Each case: (story from the directives, scan, temperature, outcome, key reason, days, notify)
CASES = [
    ("002: resident of the province, no risk → clear",
     scan(Place(province="11", ward="03151")), None, Outcome.CLEAR, Reason.NO_RISK, 0, False),
    ("002: from Bắc Ninh/Bắc Giang (epidemic zone) → 21 days centralized",
     scan(Place(province="24", ward="07420")), None, Outcome.CENTRAL_QUARANTINE,
     Reason.HOT_ZONE_ORIGIN, 21, True),
    ("002: other province (Hà Nội) → home quarantine, ward notified",
     scan(Place(province="01", ward="00070")), None, Outcome.HOME_QUARANTINE,
     Reason.OUT_OF_PROVINCE_ORIGIN, 14, True),
    ("001: F1 contact living in the province → centralized quarantine",
     scan(Place(province="11"), contact="F1"), None, Outcome.CENTRAL_QUARANTINE,
     Reason.CONTACT_F1, 21, True),
    ("001: F2 contact → home quarantine",
     scan(Place(province="11"), contact="F2"), None, Outcome.HOME_QUARANTINE,
     Reason.CONTACT_F2, 14, True),
    ("003: from China (foreign epidemic area) → centralized quarantine",
     scan(Place(country="CN")), None, Outcome.CENTRAL_QUARANTINE,
     Reason.FOREIGN_HOT_ZONE_ORIGIN, 21, True),
    ("003: from South Korea → centralized quarantine",
     scan(Place(country="KR")), None, Outcome.CENTRAL_QUARANTINE,
     Reason.FOREIGN_HOT_ZONE_ORIGIN, 21, True),
    ("from Laos (abroad, not an epidemic area) → home quarantine",
     scan(Place(country="LA")), None, Outcome.HOME_QUARANTINE, Reason.FOREIGN_ORIGIN, 14, True),
    ("fever at the checkpoint → medical check",
     scan(Place(province="11")), fever(38.2), Outcome.MEDICAL_CHECK, Reason.FEVER, 0, False),
    ("declared symptoms → medical check",
     scan(Place(province="11"), symptoms=("cough",)), None, Outcome.MEDICAL_CHECK,
     Reason.SYMPTOMS, 0, False),
    ("F0 → medical check and isolation",
     scan(Place(province="11"), contact="F0"), None, Outcome.MEDICAL_CHECK, Reason.CONTACT_F0,
     21, True),
    ("fever and from the epidemic zone → medical check first, 21 days still stated",
     scan(Place(province="24")), fever(39.0), Outcome.MEDICAL_CHECK, Reason.HOT_ZONE_ORIGIN,
     21, True),
]


@pytest.mark.parametrize(("story", "result", "temp", "outcome", "reason", "days", "notify"),
                         CASES, ids=[c[0][:40] for c in CASES])
def test_default_policy_follows_the_directives(policy, story, result, temp, outcome, reason,
                                               days, notify):
    verdict = evaluate(result, temp, policy, NOW)
    assert verdict.outcome is outcome, story
    assert reason in verdict.reasons, story
    assert verdict.quarantine_days == days, story
    assert verdict.notify_ward == ("03127" if notify else None), story


def test_rejected_codes_are_rejected_with_their_reason(policy):
    forged = ScanResult(CodeKind.DECLARATION, Verification.REJECTED, identity=PERSON,
                        rejection=Reason.BAD_SIGNATURE)
    verdict = evaluate(forged, None, policy, NOW)
    assert verdict.outcome is Outcome.REJECTED and verdict.reasons == (Reason.BAD_SIGNATURE,)


def test_identity_only_needs_manual_entry_then_is_judged(policy):
    card = ScanResult(CodeKind.CCCD, Verification.UNSIGNED, identity=PERSON)
    assert evaluate(card, None, policy, NOW).outcome is Outcome.INCOMPLETE
    entered = manual_only(PERSON, Travel(origin=Place(province="24"), destination=HOME_WARD))
    verdict = evaluate(entered, None, policy, NOW)
    assert verdict.outcome is Outcome.CENTRAL_QUARANTINE
    assert entered.travel is not None and entered.travel.entered_by_staff


def test_a_stale_or_future_reading_is_not_this_travellers(policy):
    result = scan(Place(province="11"))
    assert evaluate(result, fever(38.5, age_s=31), policy, NOW).outcome is Outcome.CLEAR
    assert evaluate(result, fever(38.5, age_s=-5), policy, NOW).outcome is Outcome.CLEAR
    assert evaluate(result, fever(37.4), policy, NOW).outcome is Outcome.CLEAR
    assert evaluate(result, fever(37.5), policy, NOW).outcome is Outcome.MEDICAL_CHECK


def test_a_ward_zone_overrides_its_province():
    body = copy.deepcopy(DEFAULT_BODY)
    body["zones"]["wards"] = {"00070": "hot"}
    policy = parse_policy(body, version=3)
    verdict = evaluate(scan(Place(province="01", ward="00070")), None, policy, NOW)
    assert verdict.outcome is Outcome.CENTRAL_QUARANTINE and verdict.policy_version == 3
    other = evaluate(scan(Place(province="01", ward="00073")), None, policy, NOW)
    assert other.outcome is Outcome.HOME_QUARANTINE


@pytest.mark.parametrize(("mutate", "named"), [
    (lambda b: b.update(fever_threshold=38), "fever_threshold"),
    (lambda b: b["zones"]["provinces"].update({"99": "hot"}), "zones.provinces"),
    (lambda b: b["zones"]["countries"].update({"China": "hot"}), "zones.countries"),
    (lambda b: b["rules"][0].update(when={"frobnicate": [1]}), "rules.0.when"),
    (lambda b: b["rules"][1].update(outcome="rejected"), "rules.1.outcome"),
    (lambda b: b["rules"][2].update(reasons=["no_such_reason"]), "rules.2.reasons"),
    (lambda b: b.update(province="63"), "province"),
])
def test_a_broken_policy_names_the_bad_key(mutate, named):
    body = copy.deepcopy(DEFAULT_BODY)
    mutate(body)
    with pytest.raises(PolicyError, match=named.replace(".", r"\.")):
        parse_policy(body)


def test_signed_policy_updates_only_forward_and_only_from_the_center(policy):
    center, forger = SigningKey.generate(), SigningKey.generate()
    keys = keyring([center.public])
    body = policy_body(policy)
    v2 = sign_doc(POLICY_KIND, 2, "2026-11-22T08:00:00Z", body, center)
    accepted = accept_update(1, v2, POLICY_KIND, keys)
    assert isinstance(accepted, SignedDoc) and parse_policy(accepted.body, 2).version == 2

    def rejected(envelope, current=1, kind=POLICY_KIND):
        result = accept_update(current, envelope, kind, keys)
        return result.reason if isinstance(result, DocRejected) else None

    assert rejected(v2, current=2) == "not_newer"
    assert rejected(v2, current=5) == "not_newer"
    assert rejected(sign_doc(POLICY_KIND, 9, "t", body, forger)) == "unknown_key"
    tampered = copy.deepcopy(v2)
    tampered["body"]["fever_threshold_c"] = 41.0
    assert rejected(tampered) == "forged"
    bumped = dict(v2, version=3)
    assert rejected(bumped) == "forged"
    unsigned = {k: v for k, v in v2.items() if k != "signature"}
    assert rejected(unsigned) == "unsigned"
    assert rejected(v2, kind="trust") == "wrong_kind"
    assert rejected("not json") == "malformed"
