"""The daily report and the ward lists on a day of simulated traffic, through the commands."""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from center.link_log import LinkLog
from center.report import Outage, build_report, outages_from_log
from center.schedule import ReportScheduler, next_run
from center.settings import load_center_config
from center.store import Store
from chot.commands import center as center_command
from tests.center.conftest import DAY
from tests.center.traffic import TZ


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="chot center")
    root.add_argument("--config")
    center_command.add_subcommands(root.add_subparsers(dest="center_command"))
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    args = parser().parse_args(argv)
    code = args.handler(args)
    return code, capsys.readouterr().out


def expected_outcomes(traffic: list[dict[str, Any]]) -> dict[str, Counter[str]]:
    """Outcome counts per post, read straight from the events: last override wins."""
    overridden = {e["scan_event_id"]: e["outcome"] for e in traffic
                  if e["type"] == "staff_action"}
    per_post: dict[str, Counter[str]] = {}
    for event in traffic:
        if event["type"] == "scan":
            outcome = overridden.get(event["event_id"], event["outcome"])
            per_post.setdefault(event["post"], Counter())[outcome] += 1
    return per_post


@pytest.fixture
def day_store(center_config, traffic, store_at: str) -> Path:
    """A center config whose store (SQLite, then PostgreSQL) holds the day's traffic and two
    outages of one post."""
    path = center_config(store=store_at)
    cfg, _sections = load_center_config(path)
    store = Store(cfg.store)
    store.add_events(traffic)
    store.add_events(traffic[:50])  # redelivered: stored once
    store.close()
    links = LinkLog(cfg.store)
    for hour, minute, online in ((9, 0, False), (9, 40, True), (15, 0, False)):
        at = datetime.combine(DAY, time(hour, minute), TZ)
        links.record("huoi-puoc", None, online, at)
    links.record("pha-din", "k2", False, datetime.combine(DAY, time(10), TZ))
    links.close()
    return path


def test_the_report_counts_each_post_and_the_province(day_store, traffic, capsys):
    code, out = run(capsys, "report", "--config", str(day_store), "--date", DAY.isoformat(),
                    "--format", "json")
    assert code == 0
    report = json.loads(out)
    expected = expected_outcomes(traffic)
    posts = {p["post"]: p for p in report["posts"]}
    assert set(posts) == set(expected)
    for post, counts in expected.items():
        assert posts[post]["by_outcome"] == {o: counts[o] for o in posts[post]["by_outcome"]}
        assert posts[post]["central_transfers"] == counts["central_quarantine"]
        assert posts[post]["rejections"] == counts["rejected"]
    province = report["province_totals"]
    assert province["scans"] == sum(1 for e in traffic if e["type"] == "scan")
    assert province["fevers"] == sum("fever" in e.get("reasons", []) for e in traffic)
    assert province["overrides"] == 5
    # One post was down 40 minutes and again from 15:00 to midnight; a kiosk outage is not
    # a post outage.
    assert posts["huoi-puoc"]["outages"] == 2
    assert posts["huoi-puoc"]["outage_minutes"] == 40 + 9 * 60
    assert posts["pha-din"]["outages"] == 0
    assert sum(sum(h.values()) for h in report["hourly"]) == province["scans"]
    assert sum(report["hourly"][h]["clear"] for h in range(0, 5)) == 0


def test_csv_md_and_html_say_the_same(day_store, traffic, capsys, tmp_path: Path):
    code, out = run(capsys, "report", "--config", str(day_store), "--date", DAY.isoformat(),
                    "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["post"] == "Chốt / Post"
    province = rows[-1]
    assert province["post"] == "Toàn tỉnh / Province"
    assert int(province["scans"]) == sum(1 for e in traffic if e["type"] == "scan")
    code, md = run(capsys, "report", "--config", str(day_store), "--date", DAY.isoformat(),
                   "--format", "md")
    assert md.startswith("# Báo cáo ngày 21/11/2026 — Điện Biên")
    assert f"| Toàn tỉnh / Province | {province['scans']} |" in md
    assert "- huoi-puoc: 09:00 → 09:40" in md
    target = tmp_path / "report.html"
    code, out = run(capsys, "report", "--config", str(day_store), "--date", DAY.isoformat(),
                    "--format", "html", "--out", str(target))
    assert code == 0 and json.loads(out.splitlines()[-1])["out"] == str(target)
    html = target.read_text("utf-8")
    assert "<svg" in html and "</svg>" in html
    bars = re.findall(r'class="bar (\w+)"[^>]*><title>(\d\d)h \w+: (\d+)</title>', html)
    assert sum(int(n) for _o, _h, n in bars) == int(province["scans"])
    assert {o for o, _h, _n in bars} >= {"clear", "home_quarantine", "rejected"}


def test_a_ward_gets_exactly_its_arrivals_as_csv(day_store, traffic, capsys):
    overridden = {e["scan_event_id"] for e in traffic if e["type"] == "staff_action"}
    wards = Counter(e["notify_ward"] for e in traffic if e["type"] == "scan"
                    and e.get("notify_ward") and e["event_id"] not in overridden)
    ward, count = wards.most_common(1)[0]
    code, out = run(capsys, "arrivals", "--config", str(day_store), "--ward", ward,
                    "--date", DAY.isoformat(), "--csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == count
    assert all(r["outcome"] in ("home_quarantine", "central_quarantine", "medical_check")
               for r in rows)
    assert all(r["at_local"].startswith("2026-11-21") and r["name"] for r in rows)
    home = [r for r in rows if r["outcome"] == "home_quarantine"]
    assert all(r["quarantine_days"] == "14" for r in home)
    code, out = run(capsys, "arrivals", "--config", str(day_store), "--ward", ward,
                    "--date", DAY.isoformat())
    listing = json.loads(out)
    assert listing["arrivals"] == count and listing["ward_name"]
    code, out = run(capsys, "arrivals", "--config", str(day_store), "--ward", ward,
                    "--date", (DAY + timedelta(days=1)).isoformat(), "--csv")
    assert out.count("\n") == 1  # the header only


@pytest.mark.parametrize("argv, reason", [
    (["arrivals", "--ward", "99999", "--date", "2026-11-21"], "unknown_ward"),
    (["arrivals", "--ward", "03127", "--date", "21/11/2026"], "bad_date"),
    (["report", "--date", "hôm qua"], "bad_date"),
])
def test_bad_input_gets_a_bilingual_answer(day_store, capsys, argv, reason):
    code, out = run(capsys, *argv[:1], "--config", str(day_store), *argv[1:])
    answer = json.loads(out.splitlines()[-1])
    assert code == 2 and answer["reason"] == reason and " / " in answer["error"]


def test_a_config_with_an_unknown_key_is_refused_naming_it(center_config, capsys):
    path = center_config(extra="[report]\nat = \"25:00\"\n")
    code, out = run(capsys, "report", "--config", str(path))
    answer = json.loads(out)
    assert code == 2 and "report.at" in answer["error"]
    path = center_config(extra="[report]\nwhen = \"16:00\"\n")
    code, out = run(capsys, "report", "--config", str(path))
    assert code == 2 and "report.when" in json.loads(out)["error"]


def test_the_report_is_written_at_16_local_each_day(day_store, tmp_path: Path):
    cfg, sections = load_center_config(day_store)
    assert sections.report.at == "16:00"
    at = sections.report.local_time()
    before = datetime.combine(DAY, time(15, 59), TZ).astimezone(UTC)
    assert next_run(before, at, TZ) == datetime.combine(DAY, time(16), TZ).astimezone(UTC)
    assert next_run(before + timedelta(minutes=1), at, TZ) \
        == datetime.combine(DAY + timedelta(days=1), time(16), TZ).astimezone(UTC)
    clock = [before]
    built: list[Any] = []
    store = Store(cfg.store)

    def build(day: Any, now: datetime) -> Any:
        from center.queries import daily_report
        built.append(day)
        return daily_report(store, None, cfg.province, day, TZ, now)

    scheduler = ReportScheduler(build, at, TZ, tmp_path / "reports", ["md", "csv"],
                                clock=lambda: clock[0])
    assert scheduler.run_due() == []
    clock[0] = before + timedelta(minutes=1, seconds=5)
    written = scheduler.run_due()
    store.close()
    assert [p.name for p in written] == ["report-2026-11-21.md", "report-2026-11-21.csv"]
    assert built == [DAY] and scheduler.run_due() == []
    assert "lập lúc / as of 16:00 21/11/2026" in written[0].read_text("utf-8")


def test_a_center_started_after_report_time_writes_the_missing_report_at_once(day_store,
                                                                            tmp_path: Path):
    cfg, _sections = load_center_config(day_store)
    store = Store(cfg.store)
    late = datetime.combine(DAY, time(18, 30), TZ).astimezone(UTC)

    def build(day: Any, now: datetime) -> Any:
        from center.queries import daily_report
        return daily_report(store, None, cfg.province, day, TZ, now)

    folder = tmp_path / "reports"
    first = ReportScheduler(build, time(16), TZ, folder, ["md"], clock=lambda: late)
    assert [p.name for p in first.run_due()] == ["report-2026-11-21.md"]
    assert first.next_at == datetime.combine(DAY + timedelta(days=1), time(16), TZ) \
        .astimezone(UTC)
    again = ReportScheduler(build, time(16), TZ, folder, ["md"], clock=lambda: late)
    assert again.run_due() == []
    store.close()


def test_outages_from_the_log_pair_downs_with_ups():
    t0 = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
    log = [("p", None, False, t0), ("p", None, False, t0 + timedelta(minutes=5)),
           ("p", None, True, t0 + timedelta(minutes=10)), ("q", None, True, t0),
           ("q", None, False, t0 + timedelta(hours=1))]
    assert outages_from_log(log) == [Outage("p", t0, t0 + timedelta(minutes=10)),
                                     Outage("q", t0 + timedelta(hours=1), None)]


def test_a_report_that_fails_to_build_is_retried_not_skipped(tmp_path: Path):
    at_four = datetime.combine(DAY, time(16), TZ).astimezone(UTC)
    clock = [at_four + timedelta(seconds=1)]
    outage = [True]

    def build(day: Any, now: datetime) -> Any:
        if outage[0]:
            raise ConnectionError("the database is down")  # what a PostgreSQL outage looks like
        return build_report(day, TZ, "11", [], [], now)

    scheduler = ReportScheduler(build, time(16), TZ, tmp_path / "reports", ["md"],
                                clock=lambda: clock[0])
    assert scheduler.run_due() == []  # logged, not raised: the thread lives on
    assert scheduler.next_at == clock[0] + timedelta(seconds=60)
    outage[0] = False
    clock[0] += timedelta(minutes=30)
    assert [p.name for p in scheduler.run_due()] == ["report-2026-11-21.md"]
    assert scheduler.next_at == datetime.combine(DAY + timedelta(days=1), time(16), TZ) \
        .astimezone(UTC)
