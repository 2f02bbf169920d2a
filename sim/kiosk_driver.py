"""A simulated run's kiosk: the product's own kiosk (`chot kiosk`'s start-up and app), headless.

Its devices are the simulated ones on the same ports as hardware (QR reader and thermometer
on ptys, the camera as an MJPEG URL), named in its kiosk TOML. Simulated staff press its keys
as a person would: JSON lines on stdin, `{"keys": [...]}` pressed at once, or with
`"after_card": ID` once the traveller with that ID number is on the card; when staff are done
(the forms they opened closed again) it says so. Each verdict put on the card is one JSON
line on stdout, for the runner's timing.

Run as `python -m sim.kiosk_driver KIOSK.toml`.
"""

from __future__ import annotations

import asyncio
import faulthandler
import json
import signal
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import IO, Any

from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot

from kiosk_ui.app import KioskApp
from kiosk_ui.config import ConfigProblem, load_config
from kiosk_ui.screen_text import screen_text
from kiosk_ui.start import StartedKiosk, start_kiosk
from screening.event import ScanEvent

SIZE = (80, 24)  # the smallest terminal a kiosk has
CARD_WAIT_S = 15.0  # how long staff wait for a traveller's card before giving up
DIALOG_WAIT_S = 10.0  # a form still open this long after the last key is stuck
THERMOMETER_POLL_S = 0.1
INPUTS_WAIT_S = 20.0
KEY_GAP_S = 0.03  # a quick typist
LOOK_S = 1.0
KEY_CHARACTERS = {"space": " ", "tab": "\t", "enter": "\r", "escape": "\x1b"}
DIALOG_KEYS = frozenset({"enter", "f4", "f10", "escape"})  # may open or close a screen
DIALOG_KEY_WAIT_S = 3.0  # staff's Enter, F4, F10 and Esc open or close a screen; a busy box
#                          may take this long to draw it


class Reporter:
    """One JSON line per record on the real stdout (Textual captures print while it runs)."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self._lock = threading.Lock()

    def emit(self, record: dict[str, Any]) -> None:
        """Write one record as a line, whole."""
        with self._lock:
            self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
            self.out.flush()


def on_card(app: KioskApp, id_number: str) -> bool:
    """True when the card shows the traveller with this ID number."""
    entry = app.shift.latest
    ident = entry.event.scan.identity if entry is not None else None
    return ident is not None and ident.id_number == id_number and app.screen is app.main


async def drive(kiosk: StartedKiosk, report: Reporter, label: str) -> None:
    """Run the app headless until stdin closes or SIGTERM; press the keys staff send."""
    app = kiosk.app
    loop = asyncio.get_running_loop()
    orders: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()

    def shown(event: ScanEvent, source: str) -> None:
        ident = event.scan.identity
        report.emit({"event_id": event.header.event_id, "kiosk": label,
                     "key": ident.id_number if ident else None, "source": source,
                     "verdict_at": time.time(), "outcome": str(event.verdict.outcome)})

    def read_stdin() -> None:
        for line in sys.stdin:
            try:
                order = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(order, dict):
                loop.call_soon_threadsafe(orders.put_nowait, order)
        loop.call_soon_threadsafe(orders.put_nowait, None)

    loop.add_signal_handler(signal.SIGTERM, lambda: orders.put_nowait(None))
    async with app.run_test(headless=True, size=SIZE) as pilot:
        app.shown_listeners.append(shown)
        threading.Thread(target=read_stdin, daemon=True, name="staff").start()
        watch = asyncio.create_task(watch_thermometer(kiosk, report, label))
        # Ready once the code inputs are: a code shown while the reader module is still
        # being configured would be lost in the exchange, as on a box just switched on.
        await until(partial(inputs_up, kiosk), INPUTS_WAIT_S)
        report.emit({"ready": True, "kiosk": label})
        while (order := await orders.get()) is not None:
            done = await act(app, pilot, order)
            report.emit({"staff_done": done, "kiosk": label})
        watch.cancel()
        await app.workers.wait_for_complete()


async def act(app: KioskApp, pilot: Pilot[None], order: dict[str, Any]) -> bool:
    """Press one order's keys (once its traveller is on the card, if it names one); True when
    every dialog they opened has closed again."""
    key = order.get("after_card")
    if key is not None and not await until(lambda: on_card(app, str(key)), CARD_WAIT_S):
        return False  # never on the card: staff act on nobody else
    await type_keys(app, order.get("keys", []))
    if await until(lambda: app.screen is app.main, DIALOG_WAIT_S):
        return True
    # Stuck in a form: what it says goes to the log, and staff give up on it.
    shown: Any = app  # screen_text takes any app
    print(f"staff gave up on a form:\n{screen_text(shown)}", file=sys.stderr)
    while app.screen is not app.main:
        await type_keys(app, ["escape"])
    return False


async def type_keys(app: KioskApp, keys: list[str]) -> None:
    """Key events through the app's driver, as a terminal delivers a person's typing.

    Pilot.press waits for the process to go idle after each key, which a kiosk decoding
    camera frames never does (a second per key); a person does not wait for that either.
    A key that opens or closes a dialog is followed by a look at the screen."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        character = KEY_CHARACTERS.get(key, key if len(key) == 1 else None)
        name = key if len(key) > 1 or key.isalnum() else _character_to_key(key)
        event = events.Key(name, character)
        event.set_sender(app)
        screen, focused = app.screen, app.focused
        driver.send_message(event)
        if key == "tab":  # what is typed next goes to the next box, so look that it moved
            await until(partial(moved, app, focused), LOOK_S)
        if key in DIALOG_KEYS and await until(partial(changed, app, screen), DIALOG_KEY_WAIT_S):
            # A person looks at the new screen before typing on: mounted (its on_mount may
            # move the focus) and focused.
            await until(lambda: app.screen.is_mounted and app.screen.focused is not None,
                        LOOK_S)
            await asyncio.sleep(KEY_GAP_S)
        await asyncio.sleep(KEY_GAP_S)


def inputs_up(kiosk: StartedKiosk) -> bool:
    """True when the camera and every serial code input report ok."""
    ports = kiosk.running.ports
    sources = [*ports.inputs, *([ports.camera] if ports.camera is not None else [])]
    return all(source.health().state == "ok" for source in sources)


def moved(app: KioskApp, before: object) -> bool:
    """True once another widget has the focus."""
    return app.focused is not before


def changed(app: KioskApp, before: object) -> bool:
    """True once another screen is on top."""
    return app.screen is not before


async def until(condition: Callable[[], bool], timeout_s: float) -> bool:
    """Wait (letting the app run) until `condition` holds; False after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def watch_thermometer(kiosk: StartedKiosk, report: Reporter, label: str) -> None:
    """Tell the runner when readings stop or come back, so its ground truth knows whether a
    traveller's temperature could have been measured."""
    port: Any = kiosk.running.ports.thermometer
    link = getattr(port, "link", None)
    if link is None:
        return
    fresh: bool | None = None
    while True:
        now = link.fresh_reading() is not None
        if now is not fresh:
            fresh = now
            report.emit({"thermometer": fresh, "kiosk": label})
        await asyncio.sleep(THERMOMETER_POLL_S)


def main(argv: list[str] | None = None) -> int:
    """Entry point: `python -m sim.kiosk_driver KIOSK.toml`."""
    args = sys.argv[1:] if argv is None else argv
    # `kill -USR1` writes every thread's stack to the log: how the runner shows a stuck kiosk.
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    report = Reporter(sys.stdout)
    try:
        config = load_config(Path(args[0]))
    except ConfigProblem as exc:
        print(f"Cấu hình sai / bad config: {exc}", file=sys.stderr)
        return 2
    kiosk = start_kiosk(config)
    try:
        asyncio.run(drive(kiosk, report, f"{config.post}/{config.kiosk}"))
    finally:
        kiosk.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
