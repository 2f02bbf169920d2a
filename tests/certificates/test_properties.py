"""No input makes the certificate reader raise or stall: random text, prefixed junk, random CBOR."""

from __future__ import annotations

import contextlib
import time
import zlib
from datetime import timedelta

import base45
import cbor2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.certificates import (
    CertificateRejected,
    CertificateVerified,
    read_certificate,
)
from screening.certificates.cbor_strict import CborError, loads
from tests.certificates.vectors import NOW

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
cbor_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=20)
    | st.binary(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(
        st.integers(-300, 300) | st.text(max_size=5), inner, max_size=5)
    | st.builds(cbor2.CBORTag, st.sampled_from([0, 1, 2, 4, 18, 61, 258]), inner),
    max_leaves=30)


def answer(text: str, trust) -> None:
    started = time.process_time()
    result = read_certificate(text, trust, NOW, max_trust_age=timedelta(days=1))
    assert isinstance(result, CertificateVerified | CertificateRejected)
    # CPU time, generous for a loaded machine: the bombs this guards against took seconds.
    assert time.process_time() - started < 0.25


@SETTINGS
@given(st.text(max_size=300))
def test_random_text(trust, text):
    answer(text, trust)


@SETTINGS
@given(st.sampled_from(["HC1:", "shc:/", "SHC:/"]), st.text(max_size=400))
def test_prefixed_junk(trust, prefix, text):
    answer(prefix + text, trust)


@SETTINGS
@given(st.text("0123456789/", max_size=600))
def test_shc_digit_soup(trust, digits):
    answer("shc:/" + digits, trust)


@SETTINGS
@given(cbor_values)
def test_random_cbor_in_a_well_formed_hc1_wrapper(trust, value):
    raw = cbor2.dumps(value)
    answer("HC1:" + base45.b45encode(zlib.compress(raw)).decode(), trust)


@SETTINGS
@given(cbor_values, st.binary(max_size=30))
def test_random_cose_shapes(trust, payload, junk):
    message = cbor2.CBORTag(18, [cbor2.dumps({1: -7, 4: junk[:8]}), {}, cbor2.dumps(payload),
                                 junk])
    answer("HC1:" + base45.b45encode(zlib.compress(cbor2.dumps(message))).decode(), trust)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=200))
def test_the_strict_cbor_reader_only_raises_its_own_error(data):
    with contextlib.suppress(CborError):
        loads(data, tags=(0, 1, 18, 61))


@pytest.mark.parametrize("data", [
    b"\x9f" * 5000,  # nested indefinite arrays
    b"\x9b\xff\xff\xff\xff\xff\xff\xff\xff",  # an array claiming 2**64 items
    b"\xbb\x00\x00\x00\x01\x00\x00\x00\x00",  # a map claiming 2**32 pairs
    b"\xc2\x5b\x00\x00\x00\x00\x00\x01\x00\x00" + b"\xff" * 65536,  # a huge bignum
    b"\x9f" + b"\x00" * 100_000 + b"\xff",  # one array of 100,000 items
])
def test_hostile_cbor_is_refused_quickly(data):
    started = time.process_time()
    with pytest.raises(CborError):
        loads(data)
    # CPU time, generous for a loaded machine: the bombs this guards against took seconds.
    assert time.process_time() - started < 0.25
