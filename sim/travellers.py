"""Simulated travellers, each carrying the verdict the directives say they should get.

A traveller is drawn from a scenario's mix: what they present (a signed declaration on a
phone or on paper, a CCCD card, nothing at all, a forged, untrusted or expired code) and the
facts behind it (origin, contact, symptoms, body temperature). The expected verdict comes
from those facts through `expected_verdict`, a plain reading of the directives that shares no
code with the JsonLogic rules the kiosk evaluates, so a wrong rule or a wrong zone shows up.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import TypeVar

import base45
import cbor2

from screening import cose, signed_code
from screening.declaration import Declaration, to_claims
from screening.identity import Identity
from screening.keys import SigningKey
from screening.places import Place, all_provinces, wards_of
from screening.policy import Policy
from screening.reasons import Reason
from screening.scan import Travel
from screening.verdict import Outcome
from sim.certificates import CertificateSigners, traveller_certificate

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý", "Lò", "Quàng", "Vàng", "Giàng", "Cà"]
MIDDLE = ["Văn", "Thị", "Đức", "Ngọc", "Minh", "Thu", "Hữu", "Thanh", "Quốc", "Thị Mỹ"]
GIVEN = ["Ánh", "Tuyết", "Đức", "Phương", "Ẩn", "Dương", "Hưng", "Khải", "Lệ", "Hoà", "Nhi",
         "Châu", "Hân", "Sơn", "Ơn", "Bửu", "Thảo", "Khánh", "Ngọc", "Sùng", "Páo", "Xuân"]
STREETS = ["Tổ 5, phường Điện Biên Phủ", "Bản Mường Thanh", "Số 12 đường Võ Nguyên Giáp",
           "Thôn Ỷ La", "Bản Ủng Ửng, xã Mường Tè", "Số 7 đường Lê Lợi"]
FOREIGN_CALM = ["LA", "TH", "US", "FR", "DE", "AU"]
Choice = TypeVar("Choice", bound=str)
SYMPTOM_CHOICES = ["cough", "sore_throat", "fatigue", "loss_of_taste", "breathless"]


class Kind(StrEnum):
    """What a traveller presents at the kiosk."""

    DECLARATION = "declaration"  # signed declaration on a phone screen
    PAPER = "paper"  # no phone: the same signed declaration printed on paper
    CCCD = "cccd"  # citizen ID card QR only; staff types origin and destination
    MANUAL = "manual"  # no code at all; staff types identity and travel
    FORGED = "forged"  # a trusted issuer's code with its claims altered after signing
    UNTRUSTED = "untrusted"  # signed by an issuer the center does not trust
    EXPIRED = "expired"  # a genuine code past its expiry
    # Foreign health certificates, signed by the run's own test signers (sim/certificates.py)
    EU_DCC = "eu_dcc"  # EU DCC, complete vaccination
    EU_DCC_PARTIAL = "eu_dcc_partial"  # EU DCC, one dose of two: not protective
    EU_DCC_TEST = "eu_dcc_test"  # EU DCC, negative rapid test 10 hours old
    EU_DCC_POSITIVE = "eu_dcc_positive"  # EU DCC, positive test
    EU_DCC_RECOVERY = "eu_dcc_recovery"  # EU DCC, valid recovery
    SHC = "shc"  # SMART Health Card, two doses
    DDCC = "ddcc"  # WHO DDCC vaccination status, complete
    CERTIFICATE_EXPIRED = "certificate_expired"  # a genuine DCC past its expiry
    CERTIFICATE_FORGED = "certificate_forged"  # a DCC altered after signing
    CERTIFICATE_UNKNOWN_SIGNER = "certificate_unknown_signer"  # a DCC from a signer not listed


SCANNED_KINDS: tuple[Kind, ...] = (Kind.DECLARATION, Kind.PAPER, Kind.CCCD, Kind.FORGED,
                                  Kind.UNTRUSTED, Kind.EXPIRED)
CERTIFIED = (Kind.EU_DCC, Kind.EU_DCC_PARTIAL, Kind.EU_DCC_TEST, Kind.EU_DCC_POSITIVE,
             Kind.EU_DCC_RECOVERY, Kind.SHC, Kind.DDCC)
CERTIFICATE_REJECTED = {Kind.CERTIFICATE_EXPIRED: Reason.EXPIRED,
                        Kind.CERTIFICATE_FORGED: Reason.BAD_SIGNATURE,
                        Kind.CERTIFICATE_UNKNOWN_SIGNER: Reason.UNKNOWN_KEY}
SCANNED_KINDS = (*SCANNED_KINDS, *CERTIFIED, *CERTIFICATE_REJECTED)
# The entry rule (screening/entry_rules) each not-protective certificate fails.
FAILED_ENTRY_RULE = {Kind.EU_DCC_PARTIAL: "VR-VN-0001", Kind.EU_DCC_POSITIVE: "TR-VN-0001"}
STAFF_ENTERS_TRAVEL = (Kind.CCCD, Kind.MANUAL, *CERTIFIED)
# The card asks for the trip after the scan; staff complete it on the manual form (F4).
STAFF_COMPLETES = (Kind.CCCD, *CERTIFIED)
PRESENTED = {Kind.CCCD: "cccd", Kind.MANUAL: "manual", Kind.SHC: "shc", Kind.DDCC: "ddcc",
             **{kind: "eu_dcc" for kind in (*CERTIFIED, *CERTIFICATE_REJECTED)
                if kind.startswith(("eu_dcc", "certificate_"))}}


class Origin(StrEnum):
    """Where a traveller's journey started, relative to the policy's zones."""

    IN_PROVINCE = "in_province"
    OUT_OF_PROVINCE = "out_of_province"
    HOT_ZONE = "hot_zone"
    ABROAD = "abroad"
    FOREIGN_HOT = "foreign_hot"


@dataclass(frozen=True)
class Expected:
    """The verdict a traveller must get: outcome, reasons, quarantine days, ward notified."""

    outcome: Outcome
    reasons: tuple[str, ...]
    quarantine_days: int = 0
    notify_ward: str | None = None


@dataclass(frozen=True)
class Traveller:
    """One person arriving at a kiosk, what they present and the facts behind it."""

    number: int
    kind: Kind
    identity: Identity
    travel: Travel
    body_temp_c: float
    code: str | None  # the QR text shown (None: nothing to scan)
    truck: bool = False

    @property
    def key(self) -> str:
        """The ID number: unique per traveller, carried in every event the kiosk stores."""
        return self.identity.id_number

    @property
    def presented(self) -> str:
        """What they showed, as the run report counts it (a forged declaration is one)."""
        return PRESENTED.get(self.kind, "declaration")

    @property
    def on_paper(self) -> bool:
        """True when the code is printed (paper declaration, ID card) rather than on a screen."""
        return self.kind in (Kind.PAPER, Kind.CCCD)

    @property
    def certificate(self) -> bool:
        """True when they show a foreign health certificate (valid or not)."""
        return self.kind in CERTIFIED or self.kind in CERTIFICATE_REJECTED


@dataclass(frozen=True)
class Mix:
    """Shares of traveller kinds, origins and risk facts (each share 0..1)."""

    kinds: dict[Kind, float]
    origins: dict[Origin, float]
    contact_f0: float = 0.0
    contact_f1: float = 0.0
    contact_f2: float = 0.0
    symptoms: float = 0.0
    fever: float = 0.0
    trucks: float = 0.0


@dataclass(frozen=True)
class Issuers:
    """The trusted declaration issuer and an untrusted one, for genuine and bogus codes, and
    the run's foreign-certificate signers."""

    trusted: SigningKey
    untrusted: SigningKey
    certificates: CertificateSigners

    @classmethod
    def generate(cls, now: datetime | None = None) -> Issuers:
        """Fresh keys for a run."""
        return cls(SigningKey.generate(), SigningKey.generate(),
                   CertificateSigners.generate(now or datetime.now(UTC)))


class TravellerFactory:
    """Draws travellers from a mix for a policy's province and zones, reproducibly by seed."""

    def __init__(self, policy: Policy, mix: Mix, issuers: Issuers, seed: int = 1) -> None:
        self.policy, self.mix, self.issuers = policy, mix, issuers
        self._rng = random.Random(seed)
        self._count = 0
        self._seed = seed

    def next(self, now: datetime) -> Traveller:
        """The next traveller, with a code valid (or deliberately not) at `now`."""
        rng = self._rng
        self._count += 1
        kind = _pick(rng, self.mix.kinds)
        identity = self._identity(kind)
        truck = rng.random() < self.mix.trucks
        staff_types = kind in STAFF_ENTERS_TRAVEL
        origin = self._origin(_pick(rng, self.mix.origins))
        if kind in CERTIFIED and origin.domestic:
            origin = Place(country=rng.choice(FOREIGN_CALM))  # a certificate comes from abroad
        travel = Travel(
            origin=origin,
            destination=Place(province=self.policy.province, ward=_home_ward(rng, self.policy)),
            route="QL279" if truck else "",
            vehicle_plate=_plate(rng, truck),
            symptoms=(rng.choice(SYMPTOM_CHOICES),) if rng.random() < self.mix.symptoms else (),
            contact=self._contact(),
            vaccine_doses=rng.choice([0, 1, 2, 2, 3]),
            entered_by_staff=staff_types,
        )
        if staff_types:
            # The staff's form asks for the trip, not for symptoms or contacts.
            travel = replace(travel, symptoms=(), contact=None)
        fever = rng.random() < self.mix.fever
        temp = round(rng.uniform(38.0, 39.6) if fever else rng.uniform(36.0, 37.1), 1)
        traveller = Traveller(self._count, kind, identity, travel, temp, None, truck)
        return replace(traveller, code=self._code(traveller, now))

    def _identity(self, kind: Kind) -> Identity:
        rng = self._rng
        born = date(rng.randrange(1950, 2006), rng.randrange(1, 13), rng.randrange(1, 29))
        # Unique per run and per traveller: the seed's low digits, then the running count;
        # certificate holders give staff a passport number.
        id_number = f"0{self._seed % 100:02d}{self._count:09d}"
        if kind in CERTIFIED or kind in CERTIFICATE_REJECTED:
            id_number = f"B{self._seed % 100:02d}{self._count:07d}"
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        phone = None if kind in (Kind.PAPER, Kind.MANUAL) else f"09{rng.randrange(10**8):08d}"
        return Identity(name=name, id_number=id_number, date_of_birth=born,
                        gender=rng.choice(["Nam", "Nữ"]), phone=phone,
                        address=f"{rng.choice(STREETS)}, Điện Biên")

    def _origin(self, origin: Origin) -> Place:
        rng, zones, home = self._rng, self.policy.zones, self.policy.province
        if origin is Origin.IN_PROVINCE:
            calm = [c for c, _ in wards_of(home) if c not in zones.wards]
            return Place(province=home, ward=rng.choice(calm))
        if origin is Origin.HOT_ZONE:
            hot = sorted(p for p, level in zones.provinces.items() if level == "hot")
            if not hot:
                raise ValueError("the mix asks for hot-zone origins but the policy has none")
            province = rng.choice(hot)
            return Place(province=province, ward=rng.choice(wards_of(province))[0])
        if origin is Origin.OUT_OF_PROVINCE:
            province = rng.choice(_calm_provinces(self.policy))
            calm = [c for c, _ in wards_of(province) if c not in zones.wards]
            return Place(province=province, ward=rng.choice(calm))
        if origin is Origin.FOREIGN_HOT:
            hot = sorted(c for c, level in zones.countries.items() if level == "hot")
            if not hot:
                raise ValueError("the mix asks for foreign hot origins but the policy has none")
            return Place(country=rng.choice(hot))
        return Place(country=rng.choice([c for c in FOREIGN_CALM if c not in zones.countries]))

    def _contact(self) -> str | None:
        roll, mix = self._rng.random(), self.mix
        if roll < mix.contact_f0:
            return "F0"
        if roll < mix.contact_f0 + mix.contact_f1:
            return "F1"
        if roll < mix.contact_f0 + mix.contact_f1 + mix.contact_f2:
            return "F2"
        return None

    def _code(self, t: Traveller, now: datetime) -> str | None:
        if t.kind is Kind.MANUAL:
            return None
        if t.kind is Kind.CCCD:
            return cccd_text(t.identity, self._rng)
        if t.certificate:
            born = t.identity.date_of_birth or date(1980, 1, 1)
            return traveller_certificate(str(t.kind), t.identity.name, born, now,
                                         self.issuers.certificates)
        issued = now.replace(microsecond=0) - timedelta(hours=self._rng.uniform(0.1, 20))
        if t.kind is Kind.EXPIRED:
            issued -= timedelta(hours=73)
        decl = declaration_of(t, issued, issued + timedelta(hours=72))
        if t.kind is Kind.UNTRUSTED:
            return signed_code.issue(decl, self.issuers.untrusted)
        code = signed_code.issue(decl, self.issuers.trusted)
        if t.kind is Kind.FORGED:
            # The classic forgery: the origin rewritten to a home ward, the risks cleared.
            home = self.policy.province
            ward = next(c for c, _ in wards_of(home) if c != decl.origin.ward)
            altered = replace(decl, origin=Place(province=home, ward=ward), symptoms=(),
                              contact=None)
            return altered_after_signing(code, altered)
        return code


def declaration_of(t: Traveller, issued: datetime, expires: datetime) -> Declaration:
    """The declaration a traveller filled in on the portal."""
    tr = t.travel
    return Declaration(identity=t.identity, origin=tr.origin, destination=tr.destination,
                       issued_at=issued, expires_at=expires, route=tr.route,
                       vehicle_plate=tr.vehicle_plate, symptoms=tr.symptoms, contact=tr.contact,
                       vaccine_doses=tr.vaccine_doses)


def altered_after_signing(code: str, altered: Declaration) -> str:
    """The code with its claims replaced and the original signature kept (a forgery)."""
    signed = cose.decode(zlib.decompress(base45.b45decode(code[len(signed_code.PREFIX):])))
    forged = cbor2.dumps(cbor2.CBORTag(cose.SIGN1_TAG, [
        signed.protected, {}, cbor2.dumps(to_claims(altered.normalized())), signed.signature]))
    return signed_code.PREFIX + base45.b45encode(zlib.compress(forged, 9)).decode("ascii")


def cccd_text(identity: Identity, rng: random.Random) -> str:
    """The QR line printed on the traveller's citizen ID card (7-field layout)."""
    dob = identity.date_of_birth or date(1980, 1, 1)
    issued = date(rng.randrange(max(dob.year + 14, 2016), 2026), rng.randrange(1, 13),
                  rng.randrange(1, 29))
    return "|".join([identity.id_number, f"{rng.randrange(10**8, 10**9)}", identity.name,
                     dob.strftime("%d%m%Y"), identity.gender or "Nam",
                     identity.address or "Điện Biên", issued.strftime("%d%m%Y")])


def expected_verdict(t: Traveller, policy: Policy, measured_temp_c: float | None,
                     self_service: bool = False) -> Expected:
    """What the directives say about this traveller, read from the traveller's own facts.

    `measured_temp_c` is what the kiosk's thermometer saw (None when it has none or it is
    unplugged): a fever nobody measured cannot count. At a `self_service` kiosk nobody types
    a CCCD holder's trip: the card asks for it.
    """
    if self_service and t.kind in STAFF_COMPLETES:
        return Expected(Outcome.INCOMPLETE, (str(Reason.MANUAL_ENTRY_REQUIRED),))
    rejection = {Kind.FORGED: Reason.BAD_SIGNATURE, Kind.UNTRUSTED: Reason.UNKNOWN_KEY,
                 Kind.EXPIRED: Reason.EXPIRED, **CERTIFICATE_REJECTED}.get(t.kind)
    if rejection is not None:
        return Expected(Outcome.REJECTED, (str(rejection),))
    tr, zones, days = t.travel, policy.zones, policy.quarantine_days
    origin = tr.origin
    if origin.domestic:
        zone = zones.wards.get(origin.ward or "") or zones.provinces.get(origin.province or "")
    else:
        zone = zones.countries.get(origin.country)
    fever = measured_temp_c is not None and measured_temp_c >= policy.fever_threshold_c
    # (applies, outcome, reason, quarantine days, notify ward) in the directives' order.
    findings = [
        (tr.contact == "F0", Outcome.MEDICAL_CHECK, Reason.CONTACT_F0, days.central, True),
        (fever, Outcome.MEDICAL_CHECK, Reason.FEVER, 0, False),
        (bool(tr.symptoms), Outcome.MEDICAL_CHECK, Reason.SYMPTOMS, 0, False),
        (origin.domestic and zone == "hot", Outcome.CENTRAL_QUARANTINE, Reason.HOT_ZONE_ORIGIN,
         days.central, True),
        (not origin.domestic and zone == "hot", Outcome.CENTRAL_QUARANTINE,
         Reason.FOREIGN_HOT_ZONE_ORIGIN, days.central, True),
        # Vietnam's entry rules ask for a full vaccination 14+ days old, a negative test under
        # 72 hours or a valid recovery: the run's genuine certificates meet them but these two,
        # which fail the rule named.
        (t.kind is Kind.EU_DCC_POSITIVE, Outcome.MEDICAL_CHECK,
         Reason.CERTIFICATE_TEST_NOT_NEGATIVE, days.central, True),
        (t.kind in FAILED_ENTRY_RULE, Outcome.CENTRAL_QUARANTINE,
         (Reason.CERTIFICATE_RULES_FAILED, f"entry_rule:{FAILED_ENTRY_RULE.get(t.kind)}"),
         days.central, True),
        (tr.contact == "F1", Outcome.CENTRAL_QUARANTINE, Reason.CONTACT_F1, days.central, True),
        (not origin.domestic, Outcome.HOME_QUARANTINE, Reason.FOREIGN_ORIGIN, days.home, True),
        (origin.domestic and origin.province != policy.province, Outcome.HOME_QUARANTINE,
         Reason.OUT_OF_PROVINCE_ORIGIN, days.home, True),
        (tr.contact == "F2", Outcome.HOME_QUARANTINE, Reason.CONTACT_F2, days.home, True),
    ]
    hits = [f for f in findings if f[0]]
    if not hits:
        return Expected(Outcome.CLEAR, (str(Reason.NO_RISK),))
    notify = any(f[4] for f in hits)
    reasons = [str(r) for f in hits for r in (f[2] if isinstance(f[2], tuple) else (f[2],))]
    return Expected(hits[0][1], tuple(reasons), max(f[3] for f in hits),
                    tr.destination.ward if notify else None)


def _pick(rng: random.Random, shares: dict[Choice, float]) -> Choice:
    # Shares need not sum to 1; zero shares never come up.
    items = [(k, v) for k, v in shares.items() if v > 0]
    roll = rng.uniform(0, sum(v for _, v in items))
    for key, share in items:
        roll -= share
        if roll <= 0:
            return key
    return items[-1][0]


def _home_ward(rng: random.Random, policy: Policy) -> str:
    return rng.choice(wards_of(policy.province))[0]


@cache
def _provinces_except(home: str, excluded: frozenset[str]) -> list[str]:
    return [code for code, _ in all_provinces() if code != home and code not in excluded]


def _calm_provinces(policy: Policy) -> list[str]:
    return _provinces_except(policy.province, frozenset(policy.zones.provinces))


def _plate(rng: random.Random, truck: bool) -> str:
    series = "C" if truck else rng.choice("ABDEFGH")
    return f"{rng.choice([27, 29, 98, 99, 15, 24])}{series}-{rng.randrange(100, 999)}." \
           f"{rng.randrange(10, 99)}"
