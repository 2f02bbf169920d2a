"""Signed policy and trust documents: a poisoned one is refused as malformed, never raised."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from screening.keys import SigningKey, keyring
from screening.signed_doc import DocRejected, SignedDoc, accept_update, open_doc, sign_doc

CENTER = SigningKey.generate()
KEYS = keyring([CENTER.public])


def genuine(version: int = 3) -> dict:
    return sign_doc("policy", version, "2026-11-22T08:00:00Z", {"province": "11"}, CENTER)


def test_a_genuine_document_opens_and_a_newer_one_replaces_it():
    assert isinstance(open_doc(genuine(), "policy", KEYS), SignedDoc)
    assert isinstance(accept_update(2, genuine(3), "policy", KEYS), SignedDoc)
    assert accept_update(3, genuine(3), "policy", KEYS) == DocRejected(
        "not_newer", "version 3 <= 3")


def test_a_lone_surrogate_with_the_right_kid_is_malformed():
    # What json.loads makes of the escape "\udfff": once, canonical() raised UnicodeEncodeError
    # and the kiosk's link thread died with it.
    wire = json.dumps({**genuine(), "issued_at": "PLACEHOLDER", "signature": "AAAA"})
    poisoned = json.loads(wire.replace("PLACEHOLDER", "\\udfff"))
    assert poisoned["issued_at"] == "\udfff"
    result = accept_update(1, poisoned, "policy", KEYS)
    assert isinstance(result, DocRejected) and result.reason == "malformed"


def test_deep_nesting_and_odd_types_are_malformed():
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    for body in ({"rules": deep}, {"x": {1, 2}}, {"x": b"bytes"}):
        result = open_doc({**genuine(), "body": body}, "policy", KEYS)
        assert isinstance(result, DocRejected) and result.reason == "malformed", body.keys()
    assert open_doc({**genuine(), "kid": ["a"]}, "policy", KEYS).reason == "malformed"  # type: ignore[union-attr]


json_ish = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
              st.text(st.one_of(st.characters(), st.integers(0xD800, 0xDFFF).map(chr)),
                      max_size=10)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=15)


@settings(max_examples=400, deadline=None)
@given(changes=st.dictionaries(st.sampled_from(["schema", "kind", "version", "issued_at", "kid",
                                                "body", "signature", "extra"]),
                               json_ish, max_size=4),
       current=st.one_of(st.none(), st.integers()))
def test_any_json_envelope_is_answered_never_raised(changes, current):
    result = accept_update(current, {**genuine(), **changes}, "policy", KEYS)
    assert isinstance(result, SignedDoc | DocRejected)
    if isinstance(result, SignedDoc):  # only when nothing the signature covers was changed
        signed = {"kind", "version", "issued_at", "body"} & changes.keys()
        assert all(changes[k] == genuine()[k] for k in signed)


@settings(max_examples=200, deadline=None)
@given(json_ish)
def test_any_json_value_at_all_is_answered(value):
    assert isinstance(open_doc(value, "trust", KEYS), SignedDoc | DocRejected)
