"""The simulator's kiosk is `chot kiosk`: shown the same codes, the two judge them the same.

One kiosk config, twice: the simulator's headless kiosk (sim.kiosk_driver, as `chot sim run`
starts it) and `chot kiosk` in a real terminal (tmux), each with a virtual serial QR reader on
a pty, the run's center-signed policy and trust list (declaration issuer and certificate
signers). Every kind of code a traveller shows goes to both readers; the journals must hold
the same verdicts. A simulated kiosk with a decision path of its own (no certificate trust,
no trust age, another policy) fails here.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from infra.polling import wait_until
from screening.default_policy import default_policy
from sim.components import Component, python_m, write_toml
from sim.qr_reader_device import QrReaderDevice
from sim.rigs import CENTER_KEY_FILE, POLICY_FILE, TRUST_FILE, write_signed_documents
from sim.travellers import Issuers, Kind, Mix, Origin, TravellerFactory
from tests.terminal import Terminal

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed")
WAIT_S = 30.0
JUNK = ["HC1:NOT-BASE45", "shc:/0123", "hello", "001099012345|" + "A" * 411 + "|x"]


def kiosk_config(folder: Path, name: str, reader: QrReaderDevice) -> Path:
    """The kiosk TOML of a run's kiosk (no gateway: the journal is what is compared)."""
    return write_toml(folder / f"{name}.toml", {
        "post": "tay-trang", "kiosk": name, "bell": False,
        "policy": {"file": str(folder / POLICY_FILE),
                   "center_keys": [str(folder / CENTER_KEY_FILE)],
                   "trust": [str(folder / TRUST_FILE)]},
        "reader": {"port": reader.port, "baud": reader.baud},
        "journal": {"path": str(folder / f"journal-{name}.sqlite")}})


def verdicts(journal: Path) -> list[tuple[Any, ...]]:
    """(code kind, verification, outcome, reasons) of each scan the journal holds, in order."""
    if not journal.exists():
        return []
    db = sqlite3.connect(f"file:{journal}?mode=ro", uri=True, timeout=5)
    try:
        rows = db.execute("SELECT payload FROM events ORDER BY seq").fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        db.close()
    events = [json.loads(payload) for (payload,) in rows]
    return [(e["code_kind"], e["verification"], e["outcome"], tuple(e["reasons"]))
            for e in events if e["type"] == "scan"]


@pytest.fixture
def codes() -> list[str]:
    """One code of every kind a simulated traveller shows, and some junk."""
    factory = TravellerFactory(default_policy(), Mix(
        kinds={kind: 1.0 for kind in Kind if kind is not Kind.MANUAL},
        origins={Origin.OUT_OF_PROVINCE: 1.0, Origin.ABROAD: 1.0}), ISSUERS, seed=19)
    shown: dict[Kind, str] = {}
    while len(shown) < len(Kind) - 1:
        traveller = factory.next(datetime.now(UTC))
        assert traveller.code is not None
        shown.setdefault(traveller.kind, traveller.code)
    return [*shown.values(), *JUNK]


ISSUERS = Issuers.generate()


@pytest.fixture
def two_kiosks(tmp_path: Path) -> Iterator[tuple[QrReaderDevice, QrReaderDevice, Path]]:
    """The simulator's kiosk and `chot kiosk` on one config; their readers and folder."""
    write_signed_documents(tmp_path, default_policy(), ISSUERS)
    sim_reader = QrReaderDevice(link=tmp_path / "reader-sim")
    tui_reader = QrReaderDevice(link=tmp_path / "reader-tui")
    ready = threading.Event()
    simulated = Component("kiosk-sim", python_m("sim.kiosk_driver", str(
        kiosk_config(tmp_path, "sim", sim_reader))), tmp_path / "kiosk-sim.log",
        on_line=lambda line: ready.set() if '"ready"' in line else None, stdin=True).start()
    terminal = Terminal(f"chot-parity-{tmp_path.name}", "kiosk",
                        f"{sys.executable} -m chot kiosk --config "
                        f"{kiosk_config(tmp_path, 'tui', tui_reader)}")
    try:
        assert ready.wait(WAIT_S), (tmp_path / "kiosk-sim.log").read_text("utf-8")
        terminal.wait_for("ĐỌC ✔", WAIT_S)
        yield sim_reader, tui_reader, tmp_path
    finally:
        terminal.close()
        simulated.stop()
        sim_reader.close()
        tui_reader.close()


def test_the_simulated_kiosk_judges_every_code_as_chot_kiosk_does(two_kiosks, codes) -> None:
    sim_reader, tui_reader, folder = two_kiosks
    for count, code in enumerate(codes, start=1):
        sim_reader.scan(code)
        tui_reader.scan(code)
        wait_until(lambda count=count: len(verdicts(folder / "journal-sim.sqlite")) >= count
                   and len(verdicts(folder / "journal-tui.sqlite")) >= count, WAIT_S, step=0.05)
    simulated, terminal = verdicts(folder / "journal-sim.sqlite"), verdicts(
        folder / "journal-tui.sqlite")
    assert len(simulated) == len(codes)
    assert simulated == terminal
    outcomes = {outcome for _kind, _verification, outcome, _reasons in simulated}
    kinds = {kind for kind, *_ in simulated}
    # Not a vacuous match: certificates verified, forgeries refused, cards asking for the trip.
    assert {"rejected", "incomplete"} <= outcomes
    assert {"declaration", "cccd", "certificate", "unsupported"} <= kinds
    assert ("certificate", "valid", "incomplete", ("manual_entry_required",)) in simulated
