"""Trust and revocation readers answer any JSON with entries or their own error, never a crash."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from screening.certificates.revocation_filters import SliceError, read_slice
from screening.certificates.revocation_lists import (
    RevocationImportError,
    read_revocation_json,
    revocations_from_body,
)
from screening.certificates.trust import TrustImportError, read_trust_data
from screening.trust import certificate_trust
from tests.certificates.vectors import NOW

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["kid", "hashType", "entries", "hash", "expires", "rids", "ctr",
                         "method", "keys", "jwk", "iss", "hcert", "shc", "rawData", "x", "y",
                         "kty", "crv", "batches", "dcc", "hashes", "fetched_at", "listed_at",
                         "revocation", "certificateType"]) | st.text(max_size=8),
        inner, max_size=5),
    max_leaves=25)
SETTINGS = settings(max_examples=300, deadline=None)


@SETTINGS
@given(json_values)
def test_revocation_lists_from_any_json(body):
    try:
        found = read_revocation_json(body, NOW)
    except RevocationImportError:
        return
    assert isinstance(found.skipped, list)


@SETTINGS
@given(json_values)
def test_trust_files_from_any_json(body):
    try:
        found = read_trust_data(json.dumps(body).encode(), "any.json")
    except TrustImportError:
        return
    assert found.entries


@SETTINGS
@given(json_values)
def test_signed_bodies_from_any_json(body):
    data = body if isinstance(body, dict) else {"hcert": body}
    try:
        certificate_trust(data, NOW)
        revocations_from_body(data, NOW)
    except ValueError:  # the body's own shape is wrong: the document is refused cleanly
        return


@SETTINGS
@given(st.binary(max_size=300), st.sampled_from(["BLOOMFILTER", "VARHASHLIST", "OTHER"]),
       st.binary(min_size=16, max_size=16))
def test_slices_from_any_bytes(data, kind, digest):
    try:
        found = read_slice(data, kind)
    except SliceError:
        return
    assert isinstance(digest in found, bool)
