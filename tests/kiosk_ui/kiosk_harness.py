"""A kiosk app on simulated devices with a fixed clock and fixed event ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from textual.pilot import Pilot

from kiosk_ui.app import KioskApp, build_app
from kiosk_ui.config import KioskConfig, parse_config
from kiosk_ui.policy_files import FilePolicy
from kiosk_ui.ports import KioskPorts, PolicyInForce
from kiosk_ui.sample_travellers import sample_codes
from kiosk_ui.simulated import (
    FixedClock,
    MemoryJournal,
    ScriptedInput,
    SimCamera,
    SimLink,
    SimThermometer,
    counting_ids,
)
from screening.default_policy import DEFAULT_BODY
from screening.keys import SigningKey
from screening.policy import parse_policy

NOW = datetime(2026, 11, 22, 3, 0, 0, tzinfo=UTC)  # 10:00 in Vietnam
ISSUER = SigningKey.generate()


@dataclass
class Kiosk:
    """The app under test and every simulated part, for the test to drive and inspect."""

    app: KioskApp
    clock: FixedClock
    journal: MemoryJournal
    thermometer: SimThermometer
    camera: SimCamera
    reader: ScriptedInput
    link: SimLink
    policy: FilePolicy
    codes: dict[str, str] = field(default_factory=dict)

    def scan(self, outcome: str, via: str = "reader") -> None:
        """A traveller shows the sample code that gets `outcome`."""
        source = self.reader if via == "reader" else self.camera
        source.feed(self.codes[outcome])


def make_kiosk(language: str = "vi", policy_age_h: float = 2.0, **config: object) -> Kiosk:
    """A kiosk app wired to simulated parts."""
    clock = FixedClock(NOW)
    journal = MemoryJournal("dien-bien-01", "k1", clock, counting_ids())
    thermometer = SimThermometer(clock, celsius=36.6, reading_age_s=3)
    camera = SimCamera(["/dev/video0", "rtsp://cong-sau/stream"], fps=15)
    reader = ScriptedInput("reader")
    link = SimLink()
    policy = FilePolicy(PolicyInForce(parse_policy(DEFAULT_BODY, version=7),
                                      {ISSUER.kid: ISSUER.public},
                                      NOW - timedelta(hours=policy_age_h)))
    cfg: KioskConfig = parse_config({"post": "dien-bien-01", "kiosk": "k1",
                                     "language": language, **config})
    ports = KioskPorts(journal=journal, policy=policy, clock=clock, camera=camera, inputs=[reader],
                       thermometer=thermometer, link=link)
    app = build_app(cfg, ports, poll_status=False)
    return Kiosk(app, clock, journal, thermometer, camera, reader, link, policy,
                 sample_codes(ISSUER, NOW))


async def settle(kiosk: Kiosk, pilot: Pilot[None]) -> None:
    """Let workers finish and their messages be drawn."""
    for _ in range(3):
        await pilot.pause()
        await kiosk.app.workers.wait_for_complete()
    await pilot.pause()
