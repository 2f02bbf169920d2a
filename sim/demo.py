"""`chot demo`: the whole system on one machine with nothing to configure.

Plays the shipped `demo` scenario: a mosquitto per broker on free loopback ports, the center,
the post's gateway behind its uplink proxy, kiosks with simulated camera, reader and
thermometer. With the staff UI, the first kiosk is `chot kiosk` in the terminal and the run
lasts until staff quit it; the center's dashboard is one key (F12) away in a second tmux
window, or, without tmux or a terminal, a command printed at the end. Headless, the run lasts
`duration_s` and is checked like `chot sim run`.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.rigs import RunOptions
from sim.runner import run_scenario
from sim.scenario import SCENARIO_DIR, load_scenario
from sim.tmux_screens import tmux_usable
from sim.verify import RunReport

DEMO_SCENARIO = SCENARIO_DIR / "demo.toml"
HEADLESS_DURATION_S = 60.0
NO_TMUX_HINT = ("Cài tmux và chạy trong terminal để xem bảng điều khiển trung tâm cùng máy quét "
                "(F12) / install tmux and run in a terminal to switch between the kiosk and the "
                "center's dashboard with F12")


def run_demo(headless: bool, duration_s: float | None = None,
             log: Callable[[str], None] = lambda _m: None) -> RunReport:
    """Run the demo; returns the same report as `chot sim run`."""
    scenario = load_scenario(DEMO_SCENARIO)
    if headless:
        options = RunOptions(duration_s=duration_s or HEADLESS_DURATION_S)
        return run_scenario(scenario, options, log)
    # The UI owns the terminal: progress is held back and shown once staff quit.
    held: list[str] = []
    beside = tmux_usable()
    options = RunOptions(duration_s=duration_s, ui=True, ui_center=beside)
    try:
        return run_scenario(scenario, options, held.append)
    finally:
        for line in held if beside else [*held, NO_TMUX_HINT]:
            log(line)
