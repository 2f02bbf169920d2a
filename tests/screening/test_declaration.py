"""A traveller's signed declaration: issued by the portal, read at the kiosk, forged by nobody."""

from __future__ import annotations

import unicodedata
import zlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import base45
import cbor2
import segno
from hypothesis import given, settings
from hypothesis import strategies as st

from screening import cose, declaration, signed_code
from screening.declaration import to_claims
from screening.keys import SigningKey
from screening.reasons import MESSAGES, Reason
from screening.signed_code import PREFIX, Rejected, Verified, issue, read

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)


def example():
    return declaration.example(NOW)


def test_a_realistic_declaration_fits_a_version_15_qr_at_level_m(issuer):
    decl = example()
    assert len(decl.identity.name) >= 40
    assert len(decl.identity.address or "") >= 80
    code = issue(decl, issuer)
    qr = segno.make(code, error="m", boost_error=False)
    assert qr.version <= 15
    assert qr.mode == "alphanumeric"


def test_issued_declaration_verifies_with_vietnamese_text_byte_for_byte(issuer, trusted):
    decl = example()
    result = read(issue(decl, issuer), trusted, NOW)
    assert isinstance(result, Verified)
    assert result.declaration == decl
    assert result.declaration.identity.name.encode() == decl.identity.name.encode()
    assert result.kid == issuer.kid


def test_name_typed_with_combining_marks_is_signed_in_nfc(issuer, trusted):
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Đức")
    assert decomposed != "Nguyễn Văn Đức"
    decl = replace(example(), identity=replace(example().identity, name=decomposed))
    result = read(issue(decl, issuer), trusted, NOW)
    assert isinstance(result, Verified)
    assert result.declaration.identity.name == "Nguyễn Văn Đức"


def test_signed_claims_not_in_nfc_are_rejected(issuer, trusted):
    decomposed = unicodedata.normalize("NFD", "Trần Thị Hồng")
    decl = replace(example(), identity=replace(example().identity, name=decomposed))
    signed = cose.sign(cbor2.dumps(to_claims(decl)), issuer)  # a foreign issuer skipping NFC
    code = PREFIX + base45.b45encode(zlib.compress(signed)).decode()
    result = read(code, trusted, NOW)
    assert isinstance(result, Rejected) and result.reason is Reason.TEXT_NOT_NFC


def test_changing_any_character_is_rejected(issuer, trusted):
    code = issue(example(), issuer)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    for index in range(len(PREFIX), len(code), 7):
        swapped = alphabet[(alphabet.index(code[index]) + 1) % len(alphabet)]
        tampered = code[:index] + swapped + code[index + 1:]
        assert isinstance(read(tampered, trusted, NOW), Rejected), index


def test_a_valid_structure_with_a_bad_signature_is_forged(issuer, trusted):
    forger = SigningKey.generate()
    claims = cbor2.dumps(to_claims(example()))
    genuine = cbor2.loads(cose.sign(claims, issuer)).value
    forged_sig = cbor2.loads(cose.sign(claims, forger)).value[3]
    forged = cbor2.dumps(cbor2.CBORTag(18, [genuine[0], {}, genuine[2], forged_sig]))
    code = PREFIX + base45.b45encode(zlib.compress(forged)).decode()
    result = read(code, trusted, NOW)
    assert isinstance(result, Rejected) and result.reason is Reason.BAD_SIGNATURE
    assert result.declaration is not None  # the claims are shown, marked as forged


def test_an_unknown_issuer_is_not_trusted(trusted):
    stranger = SigningKey.generate()
    result = read(issue(example(), stranger), trusted, NOW)
    assert isinstance(result, Rejected) and result.reason is Reason.UNKNOWN_KEY


def test_expired_and_not_yet_valid(issuer, trusted):
    code = issue(example(), issuer)
    late = read(code, trusted, NOW + timedelta(hours=72))
    early = read(code, trusted, NOW - timedelta(seconds=301))  # past the 5-minute clock skew
    assert isinstance(late, Rejected) and late.reason is Reason.EXPIRED
    assert isinstance(early, Rejected) and early.reason is Reason.NOT_YET_VALID
    assert isinstance(read(code, trusted, NOW + timedelta(hours=71)), Verified)


def test_truncated_base45_wrong_prefix_and_oversize(issuer, trusted):
    code = issue(example(), issuer)
    truncated = read(code[:-1], trusted, NOW)
    assert isinstance(truncated, Rejected)
    assert truncated.reason in (Reason.BAD_BASE45, Reason.BAD_COMPRESSION)
    assert read(code[: len(code) // 2], trusted, NOW).reason in (  # type: ignore[union-attr]
        Reason.BAD_BASE45, Reason.BAD_COMPRESSION)
    assert read("HC1:" + code[4:], trusted, NOW).reason is Reason.UNSUPPORTED_CODE  # type: ignore[union-attr]
    assert read(PREFIX + "A" * 5000, trusted, NOW).reason is Reason.TOO_LARGE  # type: ignore[union-attr]


def test_a_zlib_bomb_is_refused_without_inflating_it(trusted):
    bomb = PREFIX + base45.b45encode(zlib.compress(b"\0" * 1_000_000, 9)).decode()
    assert len(bomb) < signed_code.MAX_CODE_CHARS
    result = read(bomb, trusted, NOW)
    assert isinstance(result, Rejected) and result.reason is Reason.TOO_LARGE


def test_unsupported_schema_version(issuer, trusted):
    claims = to_claims(example()) | {"v": 99}
    code = PREFIX + base45.b45encode(zlib.compress(cose.sign(cbor2.dumps(claims), issuer))).decode()
    result = read(code, trusted, NOW)
    assert isinstance(result, Rejected) and result.reason is Reason.UNSUPPORTED_VERSION


vietnamese = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíị"
                     "òỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ ĐÂĂÊÔƠƯ", min_size=1, max_size=50)


@settings(max_examples=40, deadline=None)
@given(name=vietnamese.filter(str.strip), plate=st.text(max_size=12),
       doses=st.integers(0, 5), contact=st.sampled_from([None, "F0", "F1", "F2"]),
       symptoms=st.lists(st.sampled_from(declaration.SYMPTOMS), unique=True, max_size=3))
def test_issue_then_verify_round_trips(issuer, trusted, name, plate, doses, contact, symptoms):
    base = example()
    decl = replace(base, identity=replace(base.identity, name=name), vehicle_plate=plate,
                   vaccine_doses=doses, contact=contact, symptoms=tuple(symptoms))
    result = read(issue(decl, issuer), trusted, NOW)
    assert isinstance(result, Verified)
    assert result.declaration == decl.normalized()


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), st.text(max_size=300).map(lambda t: PREFIX + t),
                 st.binary(max_size=300).map(lambda b: PREFIX + base45.b45encode(b).decode()),
                 st.binary(max_size=300).map(
                     lambda b: PREFIX + base45.b45encode(zlib.compress(b)).decode())))
def test_no_input_raises(trusted, text):
    result = read(text, trusted, NOW)
    assert isinstance(result, Rejected | Verified)
    assert not isinstance(result, Verified)


@settings(max_examples=60, deadline=None)
@given(junk=st.binary(min_size=1, max_size=40))
def test_bytes_after_the_compressed_data_are_refused(issuer, trusted, junk):
    # One declaration, one text: a valid code with anything appended must not verify too.
    code = issue(example(), issuer)
    compressed = base45.b45decode(code[len(PREFIX):])
    padded = PREFIX + base45.b45encode(compressed + junk).decode()
    result = read(padded, trusted, NOW)
    assert isinstance(result, Rejected) and result.reason is Reason.TRAILING_DATA
    vi, en = MESSAGES[result.reason]
    assert "dữ liệu thừa" in vi and "extra data" in en
