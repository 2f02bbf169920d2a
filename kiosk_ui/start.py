"""Start-up of a kiosk from its config: the devices and links it names, and the app on them.

`chot kiosk` and the simulator's kiosks both start here, so a simulated kiosk is the product's
kiosk with simulated devices behind the same ports.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk_ui.app import KioskApp, build_app
from kiosk_ui.config import KioskConfig
from kiosk_ui.devices import Running, build_ports


@dataclass
class StartedKiosk:
    """The app and what must be stopped when it ends."""

    app: KioskApp
    running: Running

    def stop(self) -> None:
        """Stop devices, the link and close the journal."""
        self.running.stop()


def start_kiosk(config: KioskConfig) -> StartedKiosk:
    """Open the config's journal, link and devices and build the app on them.

    Raises FileProblem, OSError or ValueError when a part cannot be opened (a bad config)."""
    running = build_ports(config)
    try:
        return StartedKiosk(build_app(config, running.ports), running)
    except Exception:
        running.stop()
        raise
