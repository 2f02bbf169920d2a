"""One event contract: whatever the kiosk commits, a real center stores (issue 19, item 3).

Generated codes and identities (long, empty, lone surrogates, control characters, every
script) go through the kiosk's real scan path into its real SQLite journal, and each
committed event is sent to a running center over a real mosquitto, as the gateway relays it.
Every committed event must be stored, none quarantined; what cannot make a storable event is
refused at the kiosk (nothing committed) with a reason in both languages.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from center.queries import daily_report
from center.report_formats import to_markdown
from center.service import CenterService
from center.settings import load_center_config
from infra import topics
from infra.polling import wait_until
from kiosk_ui.checkpoint import Checkpoint, EventRefused
from kiosk_ui.devices import SqliteJournal, utc_now
from kiosk_ui.journal import Journal
from kiosk_ui.policy_files import FilePolicy
from kiosk_ui.ports import KioskPorts, PolicyInForce
from screening import signed_code
from screening.declaration import Declaration
from screening.default_policy import DEFAULT_BODY
from screening.event import ScanEvent
from screening.identity import Identity
from screening.keys import SigningKey
from screening.places import Place
from screening.policy import parse_policy
from screening.reasons import Reason, describe
from screening.scan import Travel
from screening.text import shown_text
from screening.words import t
from sim.broker import MosquittoBroker
from sim.certificates import (
    CertificateSigners,
    dcc_vaccination,
    ddcc_vaccination,
    shc_vaccination,
    sign_dcc,
)
from tests.center.test_center_instances import Listener

PROV, POST, KIOSK = "11", "cua-khau-tay-trang", "k1"
ISSUER = SigningKey.generate()
NOW = datetime.now(UTC)
SIGNERS = CertificateSigners.generate(NOW)
HOME = Place(province="11", ward="03127")
ABROAD = Place(country="LA")
WAIT_S = 15.0
VN = ZoneInfo("Asia/Ho_Chi_Minh")

# Text that breaks naive code: lone surrogates, NUL and other controls, the pipe that splits a
# CCCD line, combining marks, astral and right-to-left scripts, and lengths around the limit.
AWKWARD = st.sampled_from(["\ud800", "\udfff", "\x00", "\x1b", "\n", "\r", "\t", "|", "\u0301",
                           "Ữ", "ơ", "𝕏", "😷", "ش", "中", "ᄀ", "\u200f", "\ufeff", " "])
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(st.one_of(AWKWARD, st.characters()), max_size=60),
    st.integers(380, 460).map(lambda n: "Ữ" * n),
    st.builds(lambda head, n: head + "a" * n, st.text(AWKWARD, max_size=3),
              st.integers(390, 420)),
)


class Center:
    """A running center and a client that publishes as the post's gateway."""

    def __init__(self, service: CenterService, gateway: Listener) -> None:
        self.service, self.gateway = service, gateway

    def relay(self, payload: bytes, event_id: str) -> str:
        """Publish one journalled event; "stored" or "quarantined" once the center decided."""
        before = len(self.service.store.quarantined(10_000))
        self.gateway.publish(topics.kiosk_events(PROV, POST, KIOSK), payload)
        def decided() -> str | None:
            if self.service.store.event(event_id) is not None:
                return "stored"
            if len(self.service.store.quarantined(10_000)) > before:
                return "quarantined"
            return None

        wait_until(decided, WAIT_S, step=0.005)
        return decided() or "neither"


@pytest.fixture(scope="module")
def center(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Center]:
    folder = tmp_path_factory.mktemp("center")
    broker = MosquittoBroker(workdir=folder / "broker").start()
    config = folder / "center.toml"
    config.write_text(f'province = "{PROV}"\ninstance = "center-1"\nlearn_kiosks = true\n\n'
                      '[store]\n'
                      f'path = "{folder / "center.db"}"\n\n[broker]\nhost = "127.0.0.1"\n'
                      f"port = {broker.port}\nreconnect_min_s = 0.1\nreconnect_max_s = 0.5\n",
                      "utf-8")
    service = CenterService(*load_center_config(config))
    subscribed = threading.Event()
    service.ingest.client.on_subscribe = lambda *_args: subscribed.set()
    service.start()
    assert subscribed.wait(15), "the center never subscribed"
    gateway = Listener(broker.port, [topics.post_acks(PROV, "+")])
    try:
        yield Center(service, gateway)
    finally:
        gateway.stop()
        service.stop()
        broker.close()


class KioskUnderTest:
    """The kiosk's scan path on its real journal, with the sim's trusted signers."""

    def __init__(self, folder: Path) -> None:
        self.journal = Journal(folder / "journal.sqlite", POST, KIOSK)
        policy = FilePolicy(PolicyInForce(parse_policy(DEFAULT_BODY, version=7),
                                          {ISSUER.kid: ISSUER.public}, NOW,
                                          certificates=SIGNERS.trust(NOW)))
        ports = KioskPorts(journal=SqliteJournal(self.journal), policy=policy, clock=utc_now)
        self.checkpoint = Checkpoint(ports)

    def committed(self, event: ScanEvent) -> bytes:
        """The journal's bytes of a committed event: what the gateway relays."""
        entry = next(e for e in self.journal.pending(limit=100_000)
                     if e.event_id == event.header.event_id)
        return entry.payload


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KioskUnderTest]:
    under_test = KioskUnderTest(tmp_path_factory.mktemp("kiosk"))
    yield under_test
    under_test.journal.close()


def through(kiosk: KioskUnderTest, center: Center, make: Any) -> str:
    """Scan or enter one traveller; "refused" (nothing committed) or what the center did."""
    pending = kiosk.journal.counts()["pending"]
    try:
        event = make(kiosk.checkpoint)
    except EventRefused as exc:
        assert kiosk.journal.counts()["pending"] == pending, "a refused event was committed"
        for lang in ("vi", "en"):
            words = t("event_refused", lang, why=exc.problem)
            assert exc.problem in words and "F4" in words
        return "refused"
    return center.relay(kiosk.committed(event), event.header.event_id)


def cccd(name: str, address: str, number: str = "001099012345") -> str:
    return "|".join([number, "123456789", name, "01021999", "Nữ", address, "15082021"])


def declaration(name: str, address: str, plate: str) -> str:
    identity = Identity(name=name, id_number="079201000123", date_of_birth=date(1990, 1, 1),
                        address=address)
    issued = NOW.replace(microsecond=0) - timedelta(hours=1)
    try:
        return signed_code.issue(Declaration(identity=identity, origin=ABROAD, destination=HOME,
                                             issued_at=issued,
                                             expires_at=issued + timedelta(hours=24),
                                             vehicle_plate=plate), ISSUER)
    except (ValueError, UnicodeEncodeError):
        return name  # not issuable: the kiosk gets the raw text instead


def certificate(kind: str, name: str) -> str:
    issued, born = NOW - timedelta(days=1), date(1980, 5, 6)
    if kind == "shc":  # JSON: a lone surrogate travels as an escape
        return shc_vaccination(name, born, [date(2021, 1, 1), date(2021, 2, 1)], issued,
                               SIGNERS.shc)
    name = shown_text(name)  # CBOR text must be UTF-8
    if kind == "ddcc":
        return ddcc_vaccination(name[:200] or "X", born, 2, 2, "TH", date(2021, 8, 8),
                                SIGNERS.ddcc, issued, NOW + timedelta(days=90))
    return sign_dcc(dcc_vaccination(name, born, 2, 2, "DE", date(2021, 9, 1)), SIGNERS.dcc,
                    "DE", issued, NOW + timedelta(days=90))


CODES = st.one_of(
    TEXT,
    st.builds(cccd, TEXT, TEXT),
    st.builds(declaration, TEXT, TEXT, TEXT),
    st.builds(certificate, st.sampled_from(["shc", "dcc", "ddcc"]), TEXT),
)
IDENTITIES = st.builds(Identity, name=TEXT, id_number=TEXT,
                       date_of_birth=st.one_of(st.none(), st.dates()), phone=st.one_of(
                           st.none(), TEXT))


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(code=CODES)
def test_every_scan_the_kiosk_commits_is_stored_by_the_center(kiosk, center, code):
    assert through(kiosk, center, lambda cp: cp.scan(code)) in ("stored", "refused")


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(identity=IDENTITIES, plate=TEXT)
def test_every_manual_entry_the_kiosk_commits_is_stored_by_the_center(kiosk, center, identity,
                                                                       plate):
    travel = Travel(origin=ABROAD, destination=HOME, vehicle_plate=plate)
    assert through(kiosk, center, lambda cp: cp.manual(identity, travel)) in ("stored",
                                                                              "refused")


def test_a_self_made_cccd_with_a_411_character_name_is_rejected_not_quarantined(kiosk, center):
    # The issue's case: shown and acknowledged at the kiosk, then quarantined at the center.
    event = kiosk.checkpoint.scan(cccd("A" * 411, "Điện Biên"))
    assert (event.verdict.outcome, event.scan.rejection) == ("rejected", Reason.TEXT_TOO_LONG)
    assert event.scan.identity is None and event.verdict.notify_ward is None
    words = describe(Reason.TEXT_TOO_LONG)
    assert "F4" in words["vi"] and "F4" in words["en"]
    assert center.relay(kiosk.committed(event), event.header.event_id) == "stored"


def test_a_trusted_certificate_with_a_lone_surrogate_in_the_name_is_stored(kiosk, center):
    # The issue's case: the journal raised UnicodeEncodeError and the app exited.
    event = kiosk.checkpoint.scan(certificate("shc", "Smith \ud800 John"))
    assert event.scan.verification == "valid"
    assert event.scan.identity is not None and "\ufffd" in event.scan.identity.name
    assert center.relay(kiosk.committed(event), event.header.event_id) == "stored"
    # …and the journal is not left in a broken transaction: the next scan commits.
    after = kiosk.checkpoint.scan(cccd("Lò Thị Ơn", "Bản Mường Thanh"))
    assert after.header.seq == event.header.seq + 1


def test_a_typed_identity_too_long_to_store_is_refused_before_any_commit(kiosk, center):
    travel = Travel(origin=ABROAD, destination=HOME)
    assert through(kiosk, center, lambda cp: cp.manual(Identity("N" * 401, "B1234567"),
                                                       travel)) == "refused"


def test_certificate_facts_reach_the_province_report(kiosk, center):
    # Border arrivals with foreign certificates: the staff add the passport and the trip on
    # the form; the events carry type, country, doses or test result and signer, no more
    # personal data than a declaration, and the daily report counts them by type and country.
    arrivals = [certificate("dcc", "Müller Hans"), certificate("ddcc", "Somchai Jaidee"),
                certificate("shc", "Smith John")]
    day = NOW.astimezone(VN).date()

    def counted() -> Counter[tuple[str, str | None]]:
        report = daily_report(center.service.store, None, PROV, day, VN, datetime.now(UTC))
        return Counter({(row["type"], row["country"]): row["scans"]
                        for row in report.province_totals.to_json()["certificates"]})

    before = counted()
    events = []
    for number, code in enumerate(arrivals):
        scanned = kiosk.checkpoint.scan(code)
        assert scanned.verdict.outcome == "incomplete"
        held = scanned.scan.identity
        assert held is not None
        passport = Identity(held.name, f"B{number:07d}", held.date_of_birth)
        events += [scanned, kiosk.checkpoint.manual(passport, Travel(origin=ABROAD,
                                                                     destination=HOME),
                                                    scanned.scan)]
    for event in events:
        assert center.relay(kiosk.committed(event), event.header.event_id) == "stored"
    stored = [center.service.store.event(e.header.event_id) for e in events[1::2]]
    facts = [event["certificate"] for event in stored if event is not None]
    assert [(f["format"], f["type"], f["country"], f["doses"], f["series"]) for f in facts] == [
        ("eu-dcc", "vaccination", "DE", 2, 2), ("who-ddcc", "vaccination", "TH", 2, 2),
        ("shc", "vaccination", None, 2, None)]
    assert all(f["signer"] and f["kid"] for f in facts)
    assert all(set(event["identity"]) == {"name", "id_number", "date_of_birth", "phone"}
               for event in stored if event is not None)
    assert counted() - before == Counter({("vaccination", "DE"): 1, ("vaccination", "TH"): 1,
                                          ("vaccination", None): 1})
    report = daily_report(center.service.store, None, PROV, day, VN, datetime.now(UTC))
    assert "Tiêm chủng / Vaccination, DE: " in to_markdown(report)
