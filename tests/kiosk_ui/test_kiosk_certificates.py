"""A border post: staff scan travellers' foreign health certificates on the real app."""

from __future__ import annotations

import zlib
from dataclasses import replace
from datetime import timedelta

import base45
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from kiosk_harness import NOW, Kiosk, make_kiosk
from textual.pilot import Pilot

from kiosk_ui.screen_text import screen_text
from kiosk_ui.screens.manual import ManualScreen
from kiosk_ui.screens.place_picker import PlacePicker
from screening.certificates import CertificateTrust
from screening.certificates.issue import cwt_claims, sign_hcert
from screening.certificates.trust import dsc_entry
from screening.event import ScanEvent
from screening.verdict import Outcome
from tests.center.test_asyncapi import validator
from tests.certificates.vectors import SHC_ISSUER, make_signer, shc_claims, vaccination

SIZE = (100, 24)
pytestmark = pytest.mark.asyncio
SIGNER = make_signer(ec.generate_private_key(ec.SECP256R1()),
                     not_before=NOW - timedelta(days=365), not_after=NOW + timedelta(days=365))


def border_kiosk(listed_days_ago: float = 3) -> Kiosk:
    """A kiosk whose trust list holds one DSC, published `listed_days_ago`."""
    kiosk = make_kiosk()
    entry = dsc_entry(SIGNER.der, listed_at=NOW - timedelta(days=listed_days_ago))
    kiosk.policy.replace(replace(kiosk.policy.current(),
                                 certificates=CertificateTrust((entry,))))
    return kiosk


def dcc(country: str = "VN") -> str:
    """A complete vaccination issued by `country` (the CWT iss) two days ago."""
    payload = vaccination(2, 2)
    payload["v"][0]["co"] = country
    claims = cwt_claims({1: payload}, country, NOW - timedelta(days=2), NOW + timedelta(days=200))
    return sign_hcert(claims, SIGNER.key, SIGNER.kid)


def tampered(code: str) -> str:
    """The same certificate with its vaccination date changed after signing."""
    raw = zlib.decompress(base45.b45decode(code[4:]))
    assert raw.count(b"2021-09-01") == 1
    return "HC1:" + base45.b45encode(zlib.compress(raw.replace(b"2021-09-01", b"2021-09-02"))
                                     ).decode()


async def scan(kiosk: Kiosk, text: str) -> str:
    async with kiosk.app.run_test(size=SIZE) as pilot:
        await settle(pilot, kiosk)
        kiosk.reader.feed(text)
        await settle(pilot, kiosk)
        kiosk.app.refresh_status()
        await settle(pilot, kiosk)
        return screen_text(kiosk.app)


async def settle(pilot: Pilot[None], kiosk: Kiosk) -> None:
    for _ in range(3):
        await pilot.pause()
        await kiosk.app.workers.wait_for_complete()
    await pilot.pause()


async def enter_passport_and_trip(pilot: Pilot[None], kiosk: Kiosk) -> str:
    """In the open manual form: passport C1234567, destination Điện Biên Phủ, F10; the screen."""
    kiosk.app.screen.query_one("#id-number").focus()
    await pilot.press(*"C1234567")
    kiosk.app.screen.query_one("#destination").focus()
    await pilot.press("enter")
    await settle(pilot, kiosk)
    assert isinstance(kiosk.app.screen, PlacePicker)
    await pilot.press(*["space" if c == " " else c for c in "dien bien phu"], "down", "up",
                      "enter")
    await settle(pilot, kiosk)
    await pilot.press("f10")
    await settle(pilot, kiosk)
    return screen_text(kiosk.app)


async def test_a_dcc_shows_its_facts_masked_and_asks_for_the_trip() -> None:
    kiosk = border_kiosk()
    text = await scan(kiosk, dcc())
    assert "CẦN NHẬP THÔNG TIN" in text
    assert "EU DCC · tiêm mũi 2/2 · 2021-09-01 · nước cấp Việt Nam (VN)" in text
    assert "N. T. Ánh" in text and "Nguyễn" not in text
    assert "DS 3d" in text
    event = next(e for e in kiosk.journal.events if isinstance(e, ScanEvent))
    # The harness counts event ids; the wire wants a ULID.
    wire = {**event.to_json(), "event_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV"}
    assert wire["code_kind"] == "certificate"
    assert wire["identity"] == {"name": "Nguyễn, Thị Ánh", "id_number": "",
                                "date_of_birth": "1990-04-02", "phone": None}
    validator("event.json").validate(wire)


async def test_a_tampered_dcc_is_rejected_with_its_own_reason() -> None:
    kiosk = border_kiosk()
    text = await scan(kiosk, tampered(dcc()))
    assert "TỪ CHỐI" in text
    assert "Chữ ký sai: chứng nhận giả mạo hoặc bị sửa" in text
    assert "Ánh" not in text
    event = next(e for e in kiosk.journal.events if isinstance(e, ScanEvent))
    assert event.verdict.outcome is Outcome.REJECTED and event.scan.rejection == "bad_signature"


async def test_a_stale_trust_list_warns_on_the_status_line_and_refuses_codes() -> None:
    kiosk = border_kiosk(listed_days_ago=30)
    text = await scan(kiosk, dcc())
    assert "DS ⚠ 30 ngày" in text
    assert "Danh sách tin cậy đã quá cũ: cần cập nhật" in text


async def test_staff_enter_the_passport_and_trip_and_the_certificate_still_counts() -> None:
    kiosk = border_kiosk()
    async with kiosk.app.run_test(size=SIZE) as pilot:
        await settle(pilot, kiosk)
        kiosk.reader.feed(dcc(country="DE"))
        await settle(pilot, kiosk)
        await pilot.press("f4")
        await settle(pilot, kiosk)
        assert isinstance(kiosk.app.screen, ManualScreen)
        text = screen_text(kiosk.app)
        assert "Nguyễn, Thị Ánh" in text and "Nơi đi: Đức (DE)" in text  # from the issuer
        text = await enter_passport_and_trip(pilot, kiosk)
    first, entered = [e for e in kiosk.journal.events if isinstance(e, ScanEvent)]
    assert first.verdict.outcome is Outcome.INCOMPLETE
    assert entered.scan.certificate == first.scan.certificate
    assert entered.scan.identity.id_number == "C1234567"
    assert entered.scan.travel.origin.country == "DE"
    assert entered.verdict.outcome is Outcome.HOME_QUARANTINE  # complete vaccination
    assert "CÁCH LY TẠI NHÀ" in text and "tiêm mũi 2/2" in text
    # The card reads like the document: a passport is a passport, the country has its name.
    assert "Hộ chiếu" in text and "Số CCCD" not in text
    assert "Đức (DE) → Phường Điện Biên Phủ" in text


async def test_a_failed_entry_rule_shows_in_its_own_vietnamese_description() -> None:
    kiosk = border_kiosk()
    payload = vaccination(1, 2)
    claims = cwt_claims({1: payload}, "DE", NOW - timedelta(days=2), NOW + timedelta(days=200))
    async with kiosk.app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, kiosk)
        kiosk.reader.feed(sign_hcert(claims, SIGNER.key, SIGNER.kid))
        await settle(pilot, kiosk)
        first = screen_text(kiosk.app)
        await pilot.press("f4")
        await settle(pilot, kiosk)
        text = await enter_passport_and_trip(pilot, kiosk)
    entered = [e for e in kiosk.journal.events if isinstance(e, ScanEvent)][-1]
    assert entered.verdict.outcome is Outcome.CENTRAL_QUARANTINE
    assert "entry_rule:VR-VN-0001" in entered.to_json()["reasons"]
    assert "Chứng nhận không đạt quy tắc nhập cảnh" in text
    assert "Phải tiêm đủ liệu trình" in text and "entry_rule:" not in text
    assert "CẦN NHẬP THÔNG TIN" in first and "Phải tiêm đủ liệu trình" in first  # at once


def shc_kiosk() -> tuple[Kiosk, ec.EllipticCurvePrivateKey]:
    """A kiosk trusting one SMART issuer key, and that key."""
    from screening.certificates.issue import jwk_of
    from screening.certificates.trust import jwk_entry

    key = ec.generate_private_key(ec.SECP256R1())
    entry = jwk_entry(jwk_of(key.public_key()), SHC_ISSUER, NOW - timedelta(days=1))
    kiosk = make_kiosk()
    kiosk.policy.replace(replace(kiosk.policy.current(),
                                 certificates=CertificateTrust((entry,))))
    return kiosk, key


async def test_a_smart_card_in_three_parts_is_read_once_all_are_scanned() -> None:
    import base64
    import os

    from screening.certificates.issue import sign_shc

    kiosk, key = shc_kiosk()
    claims = shc_claims(nbf=int((NOW - timedelta(days=1)).timestamp()))
    claims["vc"]["credentialSubject"]["fhirBundle"]["entry"][0]["resource"]["name"][0][
        "text"] = base64.b64encode(os.urandom(1500)).decode()
    code = sign_shc(claims, key)
    digits = code[len("shc:/"):]
    third = -(-len(digits) // 6) * 2
    parts = [f"shc:/{i + 1}/3/{digits[i * third:(i + 1) * third]}" for i in range(3)]
    async with kiosk.app.run_test(size=SIZE) as pilot:
        await settle(pilot, kiosk)
        for part in (parts[2], parts[0]):
            kiosk.reader.feed(part)
            await settle(pilot, kiosk)
        assert not [e for e in kiosk.journal.events if isinstance(e, ScanEvent)]
        kiosk.reader.feed(parts[1])
        await settle(pilot, kiosk)
        text = screen_text(kiosk.app)
    (event,) = [e for e in kiosk.journal.events if isinstance(e, ScanEvent)]
    assert event.scan.verification == "valid" and event.scan.certificate is not None
    assert "SMART" in text


async def test_a_revoked_certificate_is_refused_and_its_list_age_shown() -> None:
    from screening.certificates import Framework
    from screening.certificates.revocation import HashType, Revocations, truncated_sha256

    kiosk = border_kiosk()
    held = kiosk.policy.current().certificates
    uci = vaccination()["v"][0]["ci"]
    lists = Revocations(dcc={SIGNER.entry.kid: {HashType.UCI: {
        truncated_sha256(uci.encode()): None}}}, fetched_at={Framework.HCERT: NOW -
                                                            timedelta(days=2)})
    kiosk.policy.replace(replace(kiosk.policy.current(), certificates=CertificateTrust(
        held.entries, held.as_of, revocation=lists)))
    text = await scan(kiosk, dcc())
    assert "TỪ CHỐI" in text and "Chứng nhận đã bị thu hồi" in text
    assert "TH-DS 2d" in text
    assert "Ánh" not in text
