"""Codes made to hurt the kiosk: whatever a stranger or an issuer signs, the answer is quick.

A self-made code with a decimal fraction of exponent 99,999,999 used to hold a kiosk's CPU
(and every thread behind the GIL) for over 40 s; a signed huge integer raised out of the reader.
"""

from __future__ import annotations

import time
import zlib
from datetime import UTC, datetime
from decimal import Decimal

import base45
import cbor2
from hypothesis import given, settings
from hypothesis import strategies as st

from screening import cose, declaration
from screening.declaration import KEYS, to_claims
from screening.evaluate import evaluate
from screening.keys import SigningKey
from screening.reasons import Reason
from screening.scan import CodeKind, Verification, read_code
from screening.signed_code import PREFIX
from screening.verdict import Outcome

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
CPU_BUDGET_S = 0.5  # generous on a loaded 2-core machine; the attack took over 40 s
DECIMAL_BOMB = cbor2.CBORTag(4, [99_999_999, 1])  # 1e99999999 as a CBOR decimal fraction


def signed(payload: bytes, key: SigningKey) -> str:
    """A code carrying any payload bytes, properly signed by key."""
    return PREFIX + base45.b45encode(zlib.compress(cose.sign(payload, key))).decode()


def claims_with(**changes: object) -> bytes:
    return cbor2.dumps(to_claims(declaration.example(NOW)) | changes)


def timed_read(code: str, trusted, policy):
    started = time.process_time()
    scan = read_code(code, trusted, NOW)
    verdict = evaluate(scan, None, policy, NOW)
    return scan, verdict, time.process_time() - started


def test_a_strangers_decimal_bomb_is_an_unknown_issuer_at_once(trusted, policy):
    code = signed(claims_with(vd=DECIMAL_BOMB), SigningKey.generate())
    scan, verdict, cpu = timed_read(code, trusted, policy)
    assert cpu < CPU_BUDGET_S
    assert (verdict.outcome, verdict.reasons) == (Outcome.REJECTED, (Reason.UNKNOWN_KEY,))
    assert scan.identity is None  # claims holding a tag are never taken in, even for show


def test_a_decimal_bomb_signed_by_a_trusted_issuer_is_bad_claims_at_once(issuer, trusted,
                                                                          policy):
    code = signed(claims_with(vd=DECIMAL_BOMB), issuer)
    _scan, verdict, cpu = timed_read(code, trusted, policy)
    assert cpu < CPU_BUDGET_S
    assert verdict.reasons == (Reason.BAD_CLAIMS,)


def test_a_forgery_of_a_trusted_issuers_code_is_bad_signature_at_once(issuer, trusted, policy):
    genuine = cbor2.loads(cose.sign(claims_with(), issuer)).value
    bomb = claims_with(vd=DECIMAL_BOMB)
    forged = cbor2.dumps(cbor2.CBORTag(18, [genuine[0], {}, bomb, genuine[3]]))
    code = PREFIX + base45.b45encode(zlib.compress(forged)).decode()
    _scan, verdict, cpu = timed_read(code, trusted, policy)
    assert cpu < CPU_BUDGET_S and verdict.reasons == (Reason.BAD_SIGNATURE,)


def test_a_signed_huge_integer_is_bad_claims_not_an_error(issuer, trusted, policy):
    # v = 10^5000 once raised ValueError (repr of an int past 4,300 digits) out of the reader.
    for changes in ({"v": 10**5000}, {"ia": 2**62}, {"vd": 2**64}, {"o": [10**30, 1]},
                    {"b": -(2**63)}, {"vd": Decimal("1e999999")}):
        scan, verdict, cpu = timed_read(signed(claims_with(**changes), issuer), trusted, policy)
        assert scan.verification is Verification.REJECTED, changes
        assert verdict.reasons == (Reason.BAD_CLAIMS,), changes
        assert cpu < CPU_BUDGET_S


def test_tags_floats_and_indefinite_lengths_in_signed_claims_are_refused(issuer, trusted):
    example = to_claims(declaration.example(NOW))
    tagged_name = cbor2.dumps(example | {"n": cbor2.CBORTag(0, "2026-11-22T08:00:00Z")})
    float_doses = cbor2.dumps(example | {"vd": 2.0})
    indefinite = b"\xbf" + cbor2.dumps(example)[1:] + b"\xff"  # same map, indefinite length
    duplicate = b"\xa2" + cbor2.dumps("v") + b"\x01" + cbor2.dumps("v") + b"\x02"
    for payload in (tagged_name, float_doses, indefinite, duplicate):
        scan = read_code(signed(payload, issuer), trusted, NOW)
        assert scan.rejection is Reason.BAD_CLAIMS, payload[:20]
        assert "plain CBOR" in scan.detail


def test_a_cose_message_with_a_foreign_tag_inside_is_bad_cose(issuer, trusted):
    protected = cbor2.dumps({1: -8, 4: cbor2.CBORTag(2, issuer.kid)})
    message = cbor2.dumps(cbor2.CBORTag(18, [protected, {}, claims_with(), b"\0" * 64]))
    scan = read_code(PREFIX + base45.b45encode(zlib.compress(message)).decode(), trusted, NOW)
    assert scan.rejection is Reason.BAD_COSE


leaves = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-(2**80), 2**80),
    st.integers(10**30, 10**60), st.floats(), st.text(max_size=20), st.binary(max_size=20),
    st.decimals(allow_nan=False), st.sampled_from(["VN", "F1", "cough", "", "Nữ"]))
values = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.text(max_size=3), st.integers(-5, 5)), inner, max_size=4),
    st.builds(cbor2.CBORTag, st.sampled_from([0, 1, 2, 3, 4, 5, 30, 35, 37, 258, 55799]),
              inner)), max_leaves=12)
claim_changes = st.dictionaries(st.one_of(st.sampled_from(sorted(KEYS.values())),
                                          st.text(max_size=3)), values, max_size=5)


@settings(max_examples=300, deadline=None)
@given(changes=claim_changes)
def test_any_claims_a_trusted_issuer_signs_get_a_quick_verdict(issuer, trusted, policy,
                                                               changes):
    code = signed(cbor2.dumps(to_claims(declaration.example(NOW)) | changes), issuer)
    scan, verdict, cpu = timed_read(code, trusted, policy)
    assert cpu < CPU_BUDGET_S
    assert scan.kind is CodeKind.DECLARATION and verdict.reasons


@settings(max_examples=300, deadline=None)
@given(payload=st.binary(max_size=600), stranger=st.booleans())
def test_any_payload_bytes_get_a_quick_verdict(issuer, trusted, policy, payload, stranger):
    key = SigningKey.generate() if stranger else issuer
    scan, verdict, cpu = timed_read(signed(payload, key), trusted, policy)
    assert cpu < CPU_BUDGET_S
    assert verdict.outcome is Outcome.REJECTED and scan.rejection is not None
