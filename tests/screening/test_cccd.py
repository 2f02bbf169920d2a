"""Citizen ID card QR: staff scan the card of a traveller with no declaration."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.cccd import CccdCard, CccdError, parse
from screening.reasons import Reason

SEVEN = ("001099012345|123456789|Nguyễn Thị Ánh Tuyết|01021999|Nữ|"
         "Số 12 Ngõ 34, Phường Hoàn Kiếm, Hà Nội|15082021")
SIX = "038095001234|Lê Văn Đạt|31121995|Nam|Thôn Đông, Xã Quảng Xương, Thanh Hóa|20042021"


def test_seven_field_card_reads_the_vietnamese_name_exactly():
    card = parse(SEVEN)
    assert isinstance(card, CccdCard)
    assert card.identity.name == "Nguyễn Thị Ánh Tuyết"
    assert card.identity.id_number == "001099012345"
    assert card.old_id == "123456789"
    assert card.identity.date_of_birth == date(1999, 2, 1)
    assert card.identity.gender == "Nữ"
    assert card.issued_on == date(2021, 8, 15)


def test_six_field_variant_without_old_number():
    card = parse(SIX)
    assert isinstance(card, CccdCard)
    assert card.old_id is None and card.identity.name == "Lê Văn Đạt"


def test_empty_old_number_and_surrounding_whitespace_and_crlf():
    card = parse("  \r\n" + SEVEN.replace("|123456789|", "||") + "\r\n")
    assert isinstance(card, CccdCard) and card.old_id is None
    assert card.issued_on == date(2021, 8, 15)


@pytest.mark.parametrize(("text", "reason"), [
    ("001099012345|Nguyễn A|01021999|Nữ", Reason.CCCD_FIELD_COUNT),
    (SEVEN.replace("001099012345", "00109901234"), Reason.CCCD_BAD_ID),
    (SEVEN.replace("001099012345", "00109901234X"), Reason.CCCD_BAD_ID),
    (SEVEN.replace("123456789", "12345"), Reason.CCCD_BAD_OLD_ID),
    (SEVEN.replace("Nguyễn Thị Ánh Tuyết", " "), Reason.CCCD_BAD_NAME),
    (SEVEN.replace("01021999", "31021999"), Reason.CCCD_BAD_DATE),
    (SEVEN.replace("15082021", "2021-08-15"), Reason.CCCD_BAD_DATE),
    (SEVEN.replace("15082021", "01011990"), Reason.CCCD_BAD_DATE),  # issued before birth
    (SEVEN.replace("|Nữ|", "|Nu|"), Reason.CCCD_BAD_GENDER),
    (SEVEN.replace("Số 12 Ngõ 34, Phường Hoàn Kiếm, Hà Nội", ""), Reason.CCCD_BAD_ADDRESS),
])
def test_each_defect_is_named(text, reason):
    result = parse(text)
    assert isinstance(result, CccdError)
    assert result.reason is reason


@settings(max_examples=200)
@given(st.text(max_size=200))
def test_parse_never_raises(text):
    assert isinstance(parse(text), CccdCard | CccdError)


@settings(max_examples=100)
@given(ident=st.from_regex(r"\A\d{12}\Z"), name=st.text(
    alphabet="ẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợ"
             "ỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹĐđ abc", min_size=1).filter(lambda s: s.strip() == s and s),
       born=st.dates(date(1920, 1, 1), date(2010, 1, 1)), gender=st.sampled_from(["Nam", "Nữ"]))
def test_generated_cards_round_trip(ident, name, born, gender):
    line = f"{ident}||{name}|{born:%d%m%Y}|{gender}|Hà Nội|{date(2021, 1, 1):%d%m%Y}"
    card = parse(line)
    assert isinstance(card, CccdCard)
    assert (card.identity.name, card.identity.date_of_birth) == (name, born)
