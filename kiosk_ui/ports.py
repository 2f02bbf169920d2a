"""What the staff UI needs from devices, the journal, the gateway link and the policy.

The UI is written against these small interfaces; `kiosk_ui.devices` wires the real hardware
and gateway pieces to them, `kiosk_ui.simulated` gives in-memory stand-ins for tests and demo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol, TypeVar

from screening.certificates import CertificateTrust
from screening.evaluate import TemperatureReading
from screening.event import EventHeader, ScanEvent, StaffAction
from screening.keys import VerifyKey
from screening.policy import Policy
from screening.scan import NO_CERTIFICATE_TRUST
from screening.verdict import Outcome

Event = ScanEvent | StaffAction
E = TypeVar("E", ScanEvent, StaffAction)
HealthState = Literal["ok", "down", "off"]
# Called from an input's own thread with (code text, input name, perf_counter when decoded).
OnCode = Callable[[str, str, float], None]


@dataclass(frozen=True)
class DeviceHealth:
    """A device's state for the status bar: ok, down (with why) or off (not configured)."""

    state: HealthState
    detail: str = ""
    fps: float | None = None


OFF = DeviceHealth("off")


@dataclass(frozen=True)
class PendingStatus:
    """Events committed on the kiosk and not yet acknowledged by the center."""

    count: int
    oldest_age_s: float | None


class Journal(Protocol):
    """The kiosk's durable event store."""

    def record(self, make_event: Callable[[EventHeader], E]) -> E:
        """Give the event its id and sequence number, commit it durably, then return it."""
        ...

    def pending(self) -> PendingStatus:
        """How many events wait for the center, and the age of the oldest."""
        ...


class CodeInput(Protocol):
    """A source of scanned code texts (serial reader, camera + decoder, …)."""

    name: str

    def start(self, on_code: OnCode) -> None:
        """Begin delivering codes to `on_code` from the input's own thread."""
        ...

    def stop(self) -> None:
        """Stop delivering codes and release the device."""
        ...

    def health(self) -> DeviceHealth:
        """Current state, never blocking."""
        ...


class CameraInput(CodeInput, Protocol):
    """A camera that also reads codes, with a choice of sources and a newest frame to preview."""

    sources: list[str]
    selected: int

    def select(self, index: int) -> None:
        """Switch to another source (blocking: opens the device); raises OSError on failure."""
        ...

    def latest_frame(self) -> Any | None:
        """The newest BGR frame (numpy array) or None."""
        ...


class ThermometerPort(Protocol):
    """The thermometer node: latest reading, health, and the LED/buzzer signal."""

    def latest(self, now: datetime | None = None) -> TemperatureReading | None:
        """The newest reading, never blocking."""
        ...

    def health(self) -> DeviceHealth:
        """Current state, never blocking."""
        ...

    def signal(self, outcome: Outcome) -> None:
        """Light the LED and sound the buzzer for a verdict (queued, never blocking)."""
        ...


class LinkPort(Protocol):
    """The link from this kiosk to the post gateway."""

    def health(self) -> DeviceHealth:
        """Connected or not, never blocking."""
        ...


@dataclass(frozen=True)
class PolicyInForce:
    """The policy, issuer keys and foreign-certificate signers the kiosk decides with, and when
    the center issued the policy."""

    policy: Policy
    trusted: dict[bytes, VerifyKey]
    issued_at: datetime | None
    certificates: CertificateTrust = NO_CERTIFICATE_TRUST


class PolicySource(Protocol):
    """The last good signed policy and trust list (updated by the gateway link)."""

    def current(self) -> PolicyInForce:
        """The policy in force now."""
        ...


@dataclass
class KioskPorts:
    """Everything the UI talks to, plus its clock (fixed in tests)."""

    journal: Journal
    policy: PolicySource
    clock: Callable[[], datetime]
    camera: CameraInput | None = None
    inputs: list[CodeInput] = field(default_factory=list)
    thermometer: ThermometerPort | None = None
    link: LinkPort | None = None
