"""A kiosk whose trust list holds one malformed signer keeps the rest and tells the center."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from infra.alarms import TRUST_SKIPPED, Alarms
from kiosk_ui.config import PolicySection
from kiosk_ui.policy_files import load_policy
from screening.certificates import CertificateVerified, read_certificate
from screening.keys import SigningKey
from screening.signed_doc import open_doc, sign_doc
from screening.trust import trust_body, with_certificates
from tests.certificates.vectors import NOW, make_signer, vaccination


def test_a_bad_signer_is_skipped_raised_as_an_alarm_and_cleared_by_a_clean_list(
        tmp_path: Path):
    signer = make_signer(ec.generate_private_key(ec.SECP256R1()))
    good = {"kid": signer.entry.kid, "country": "VN", "certificateType": "DSC",
            "rawData": base64.b64encode(signer.der).decode()}
    bad = {**good, "kid": "YmFkYmFkYmE=", "rawData": base64.b64encode(b"\x30\x03\x02\x01\x01")
           .decode()}
    (tmp_path / "gateway.json").write_text(json.dumps([bad, good]))
    source = load_policy(PolicySection(trust=[str(tmp_path / "gateway.json")]))
    held = source.current().certificates
    assert len(held.entries) == 1 and "item[0]" in held.skipped[0]
    assert isinstance(read_certificate(signer.code({1: vaccination()}), held, NOW),
                      CertificateVerified)
    alarms = Alarms()
    source.attach_alarms(alarms)
    (alarm,) = alarms.active()
    assert alarm.code == TRUST_SKIPPED and "item[0]" in alarm.detail
    assert alarm.to_json()["vi"] and alarm.to_json()["en"]
    center = SigningKey.generate()
    body = with_certificates(trust_body([]), [signer.entry], {})
    envelope = sign_doc("trust", 2, NOW.isoformat(), body, center)
    source.apply(open_doc(envelope, "trust", {center.public.kid: center.public}))
    assert alarms.active() == []


@pytest.mark.asyncio
async def test_the_status_line_counts_the_skipped_entries() -> None:
    from dataclasses import replace

    from kiosk_harness import make_kiosk

    from kiosk_ui.screen_text import screen_text
    from screening.certificates import CertificateTrust

    signer = make_signer(ec.generate_private_key(ec.SECP256R1()))
    kiosk = make_kiosk()
    held = CertificateTrust((signer.entry,), skipped=("gateway.json: item[0]: ValueError",))
    kiosk.policy.replace(replace(kiosk.policy.current(), certificates=held))
    async with kiosk.app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        kiosk.app.refresh_status()
        await kiosk.app.workers.wait_for_complete()
        await pilot.pause()
        assert "⚠ 1 mục DS hỏng" in screen_text(kiosk.app)
