"""A foreign certificate's facts drive the default policy's verdict, as data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from screening.certificates import CertificateTrust
from screening.default_policy import default_policy
from screening.evaluate import evaluate
from screening.places import Place
from screening.reasons import Reason
from screening.scan import CodeKind, Travel, Verification, read_code, with_manual_entry
from screening.verdict import Outcome
from tests.certificates.vectors import NOW, make_signer, negative_test, vaccination


@pytest.fixture(scope="module")
def signer():
    return make_signer(ec.generate_private_key(ec.SECP256R1()))


def scan(code, signer, now=NOW):
    trust = CertificateTrust((signer.entry,), as_of=NOW - timedelta(hours=1))
    return read_code(code, {}, now, certificates=trust, max_trust_age=timedelta(days=14))


def arriving_from(result, country="DE"):
    return with_manual_entry(result, Travel(origin=Place(country=country),
                                            destination=Place(province="11", ward="03151")))


def test_a_verified_dcc_names_its_holder_and_waits_for_the_trip(signer):
    result = scan(signer.code({1: vaccination()}), signer)
    assert (result.kind, result.verification) == (CodeKind.CERTIFICATE, Verification.VALID)
    assert result.identity.name == "Nguyễn, Thị Ánh"
    assert result.identity.date_of_birth.isoformat() == "1990-04-02"
    verdict = evaluate(result, None, default_policy(), NOW)
    assert verdict.outcome is Outcome.INCOMPLETE


def test_complete_vaccination_is_screened_as_any_arrival_from_abroad(signer):
    verdict = evaluate(arriving_from(scan(signer.code({1: vaccination(2, 2)}), signer)),
                       None, default_policy(), NOW)
    assert verdict.outcome is Outcome.HOME_QUARANTINE
    assert verdict.reasons == (Reason.FOREIGN_ORIGIN,)


def test_incomplete_vaccination_means_centralized_quarantine(signer):
    verdict = evaluate(arriving_from(scan(signer.code({1: vaccination(1, 2)}), signer)),
                       None, default_policy(), NOW)
    assert verdict.outcome is Outcome.CENTRAL_QUARANTINE
    assert verdict.reasons[0] is Reason.CERTIFICATE_NOT_PROTECTIVE


def test_a_negative_test_counts_for_72_hours(signer):
    code = signer.code({1: negative_test()})  # sample taken 2022-05-31T10:00Z
    fresh = evaluate(arriving_from(scan(code, signer)), None, default_policy(), NOW)
    assert fresh.outcome is Outcome.HOME_QUARANTINE
    later = NOW + timedelta(days=3)
    old = evaluate(arriving_from(scan(code, signer, later)), None, default_policy(), later)
    assert old.outcome is Outcome.CENTRAL_QUARANTINE


def test_a_tampered_certificate_is_rejected_with_its_own_reason(signer):
    code = signer.code({1: vaccination()})
    tampered = code[:40] + ("0" if code[40] != "0" else "1") + code[41:]
    result = scan(tampered, signer)
    verdict = evaluate(result, None, default_policy(), NOW)
    assert verdict.outcome is Outcome.REJECTED
    assert result.identity is None and result.certificate is not None


def test_stale_trust_refuses_rather_than_judges(signer):
    later = NOW + timedelta(days=20)
    result = scan(signer.code({1: vaccination()}, expires=later + timedelta(days=30)), signer,
                  later)
    assert result.rejection is Reason.TRUST_STALE
