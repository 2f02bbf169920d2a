"""The strict CBOR reader: plain values as cbor2 writes them, and nothing it was not asked for."""

from __future__ import annotations

import contextlib

import cbor2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.cbor_strict import MAX_INT, CborError, Limits, Tagged, loads

plain = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-MAX_INT, MAX_INT - 1),
              st.text(max_size=30), st.binary(max_size=30)),
    lambda inner: st.one_of(st.lists(inner, max_size=5),
                            st.dictionaries(st.one_of(st.text(max_size=5),
                                                      st.integers(-100, 100)),
                                            inner, max_size=5)),
    max_leaves=20)


@settings(max_examples=300)
@given(plain)
def test_what_cbor2_writes_of_plain_values_reads_back_the_same(value):
    assert loads(cbor2.dumps(value), Limits(max_depth=16)) == value


@pytest.mark.parametrize("value, refused", [
    (cbor2.CBORTag(4, [99_999_999, 1]), "tag 4"),
    (10**20, "tag 2"),  # a bignum
    (2**60, "integer beyond"),
    (-(2**60), "integer beyond"),
    (1.5, "float"),
    (cbor2.undefined, "simple value"),
    ("x" * 100, "too long"),
], ids=["decimal", "bignum", "uint64", "negint64", "float", "undefined", "long-text"])
def test_anything_but_plain_bounded_values_is_refused(value, refused):
    with pytest.raises(CborError, match=refused):
        loads(cbor2.dumps(value), Limits(max_string=50))


def test_depth_items_and_shape_are_bounded():
    with pytest.raises(CborError, match="deep"):
        loads(cbor2.dumps([[[[1]]]]), Limits(max_depth=3))
    with pytest.raises(CborError, match="too many"):
        loads(cbor2.dumps(list(range(100))), Limits(max_items=50))
    with pytest.raises(CborError, match="too many"):
        loads(b"\x9b" + (2**40).to_bytes(8, "big"))  # claims 2^40 elements in 9 bytes
    with pytest.raises(CborError, match="indefinite"):
        loads(b"\x9f\x01\xff")
    with pytest.raises(CborError, match="duplicate"):
        loads(b"\xa2\x01\x02\x01\x03")
    with pytest.raises(CborError, match="map key"):
        loads(b"\xa1\x41x\x01")  # a byte-string key
    with pytest.raises(CborError, match="after"):
        loads(cbor2.dumps(1) + b"\x00")
    with pytest.raises(CborError, match="UTF-8"):
        loads(b"\x62\xed\xbf")  # a surrogate's bytes are not UTF-8


def test_only_the_tags_the_caller_names_are_read():
    data = cbor2.dumps(cbor2.CBORTag(18, [b"", {}, b"x", b"sig"]))
    assert loads(data, tags=(18,)) == Tagged(18, [b"", {}, b"x", b"sig"])
    with pytest.raises(CborError, match="tag 18"):
        loads(data)


@settings(max_examples=1000)
@given(st.binary(max_size=200))
def test_any_bytes_decode_or_raise_cbor_error_only(data):
    with contextlib.suppress(CborError):
        loads(data)
