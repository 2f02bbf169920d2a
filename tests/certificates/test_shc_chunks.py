"""A SMART card printed as several QR codes is read once every part has been scanned."""

from __future__ import annotations

import base64
import os

from hypothesis import given
from hypothesis import strategies as st

from screening.certificates import CertificateTrust, CertificateVerified, read_certificate
from screening.certificates.issue import sign_shc
from screening.certificates.shc_chunks import Pending, ShcChunks, Whole, chunk_of
from screening.scan import read_code
from tests.certificates.vectors import NOW, shc_claims


def chunks(code: str, parts: int) -> list[str]:
    """The code split as the specification does: balanced JWS pieces, each its own QR."""
    jws_chars = (len(code) - len("shc:/")) // 2
    size = -(-jws_chars // parts)
    digits = code[len("shc:/"):]
    return [f"shc:/{i + 1}/{parts}/{digits[2 * i * size:2 * (i + 1) * size]}"
            for i in range(parts)]


def big_card(shc_key) -> str:
    claims = shc_claims()
    patient = claims["vc"]["credentialSubject"]["fhirBundle"]["entry"][0]["resource"]
    patient["name"][0]["text"] = base64.b64encode(os.urandom(1900)).decode()
    return sign_shc(claims, shc_key)


def test_three_parts_scanned_in_any_order_give_the_card(shc_key, shc_entry):
    code = big_card(shc_key)
    assert len(code) > 4096  # beyond the old cap: one cap, 8,192, for every code
    first, second, third = chunks(code, 3)
    joiner = ShcChunks()
    assert joiner.add(third) == Pending(1, 3)
    assert joiner.add(third) == Pending(1, 3)  # the camera reads a steady code again
    assert joiner.add(first) == Pending(2, 3)
    whole = joiner.add(second)
    assert whole == Whole(code)
    trust = CertificateTrust((shc_entry,), as_of=NOW)
    assert isinstance(read_certificate(whole.text, trust, NOW), CertificateVerified)
    scan = read_code(whole.text, {}, NOW, certificates=trust)
    assert scan.verification == "valid", scan


def test_another_code_in_between_starts_over(shc_key):
    first, second = chunks(big_card(shc_key), 2)
    joiner = ShcChunks()
    assert joiner.add(first) == Pending(1, 2)
    assert joiner.add("HC1:XYZ") == Whole("HC1:XYZ")
    assert joiner.add(second) == Pending(1, 2)
    other_second = chunks(big_card(shc_key), 2)[1]
    assert joiner.add(other_second) == Pending(1, 2)  # another card's part 2: start over


@given(st.text(max_size=60))
def test_any_text_is_either_passed_through_or_a_well_formed_chunk(text):
    result = ShcChunks().add(text)
    assert result == Whole(text) or (isinstance(result, Pending) and chunk_of(text))


@given(st.permutations(range(4)), st.binary(min_size=8, max_size=40))
def test_parts_in_any_order_join_to_the_original(order, raw):
    digits = "".join(f"{b % 78:02d}" for b in raw)
    code = "shc:/" + digits
    parts = chunks(code, 4)
    joiner = ShcChunks()
    results = [joiner.add(parts[i]) for i in order]
    assert results[-1] == Whole(code)
    assert all(isinstance(r, Pending) for r in results[:-1])
