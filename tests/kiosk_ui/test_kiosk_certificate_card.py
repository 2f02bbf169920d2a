"""The certificate card reads like the document: names, doses, countries, one source row."""

from __future__ import annotations

import pytest
from certificate_travellers import certificate_kiosk, german_dcc, smart_card
from test_kiosk_flows import SIZE, settle

from kiosk_ui.screen_text import screen_text
from kiosk_ui.widgets.traveller import mask_name


async def shown(text: str, language: str = "vi") -> str:
    kiosk = certificate_kiosk(language)
    async with kiosk.app.run_test(size=SIZE) as pilot:
        await settle(kiosk, pilot)
        kiosk.reader.feed(text)
        await settle(kiosk, pilot)
        return screen_text(kiosk.app)


@pytest.mark.asyncio
async def test_a_smart_card_shows_the_dose_as_written_and_a_readable_name() -> None:
    text = await shown(smart_card())
    assert "SMART · tiêm mũi 2 · 2021-01-29" in text
    assert "/?" not in text
    assert "A. John B." in text


@pytest.mark.asyncio
async def test_a_dcc_names_its_country_in_the_staff_language() -> None:
    assert "nước cấp Đức (DE)" in await shown(german_dcc())
    assert "issued by Germany (DE)" in await shown(german_dcc(), "en")


@pytest.mark.asyncio
async def test_a_refused_certificate_has_one_source_row() -> None:
    text = await shown(german_dcc(signer_known=False))
    assert "TỪ CHỐI" in text
    assert text.count("Nguồn") == 1
    assert "Nguồn    máy đọc · #1" in text
    assert "Mã       HC1:" in text


def test_masked_names_keep_a_given_name_that_is_not_an_initial() -> None:
    assert mask_name("Nguyễn Thị Phương Thảo") == "N. T. P. Thảo"
    assert mask_name("Nguyễn, Thị Ánh") == "N. T. Ánh"
    assert mask_name("Anyperson, John B.") == "A. John B."
