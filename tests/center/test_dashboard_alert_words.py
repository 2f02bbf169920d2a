"""Every alert's detail on the center dashboard in the reader's language (issue 19).

The real watch raises each kind of alert from the messages that cause it; the real dashboard
under Pilot must show the details in Vietnamese, and in English after the language key. An
alert from another instance (read back from its JSON) keeps its detail code, and one from an
older center (text only) still shows its text.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable

from center.alerts import Alert, AlertKind, alert_from_json
from center.dashboard.widgets.alerts_table import shown_detail
from center.queries import TodayCounts
from center.settings import CenterSections
from center.store import Store
from center.watch import CenterWatch
from tests.center.test_dashboard import NOON, app_for, shown, state, until

# Kind → (words the Vietnamese detail has, words the English one has).
EXPECTED = {
    AlertKind.FEVER: ("°C", "°C"),
    AlertKind.FORGED_CODE: ("Đơn vị cấp không được tin cậy", "Issuer key not trusted"),
    AlertKind.POST_OFFLINE: ("mất kết nối", "connection lost"),
    AlertKind.DEVICE_ALARM: ("Đồng hồ hệ thống vừa nhảy +42.0 s", "the system clock jumped"),
    AlertKind.CLOCK_SKEW: ("đồng hồ lệch +900 giây", "clock +900 s from the center's"),
    AlertKind.RATE_LIMITED: ("7 bản tin bị hoãn", "7 messages held back"),
    AlertKind.SEQUENCE_GAP: ("thiếu số 3-5 (3) đã 301 giây", "seq 3-5 missing (3) for 301 s"),
    AlertKind.QUARANTINED: ("không đọc được JSON: ", "malformed JSON: "),
    AlertKind.LINK_FLAPPING: ("lần đổi trong", "changes in"),
}


@pytest.fixture
def raised(traffic, tmp_path: Path) -> tuple[CenterWatch, TodayCounts]:
    """A watch that raised one alert of each kind above, through its own paths."""
    store = Store(tmp_path / "center.db")
    store.add_events(traffic)
    store.close()
    sections = CenterSections.model_validate({"alerts": {"gap_after_s": 300}})
    watch = CenterWatch("11", sections, clock=lambda: NOON)
    scans = [e for e in traffic if e.get("type") == "scan"]
    watch.on_stored([next(e for e in scans if "fever" in e.get("reasons", [])),
                     next(e for e in scans if e.get("rejection") == "unknown_key")])
    gateway = "chot/v1/11/gateway/huoi-puoc/state"
    watch.on_state(gateway, state("online", post="huoi-puoc"), NOON)
    watch.on_state(gateway, state("offline", post="huoi-puoc", reason="connection_lost"),
                   NOON + timedelta(seconds=1))
    watch.settle(NOON + timedelta(minutes=2))
    watch.on_state("chot/v1/11/gateway/pha-din/state",
                   state("online", post="pha-din",
                         alarms=[{"code": "clock_jump", "vi": "Đồng hồ hệ thống vừa nhảy",
                                  "en": "the system clock jumped", "detail": "+42.0 s"}]),
                   NOON)
    watch.on_state("chot/v1/11/kiosk/pha-din/k1/state",
                   state("online", post="pha-din", kiosk="k1",
                         at=(NOON + timedelta(seconds=900)).isoformat()), NOON)
    watch.on_held_back("tay-trang", 7)
    watch.on_gaps([("tay-trang", "k1", 3, 5)], NOON)
    watch.on_gaps([("tay-trang", "k1", 3, 5)], NOON + timedelta(seconds=301))
    watch.check(b"{not json", "tay-trang", "k2", NOON)
    kiosk = "chot/v1/11/kiosk/tay-trang/k2/state"
    for i in range(12):
        watch.on_state(kiosk, state("online" if i % 2 else "offline", post="tay-trang",
                                    kiosk="k2", reason="connection_lost"),
                       NOON + timedelta(seconds=i))
        watch.settle(NOON + timedelta(seconds=i, milliseconds=500))
    return watch, TodayCounts(tmp_path / "center.db")


def details(app: Any) -> dict[str, str]:
    table = app.screen.query_one("#alerts", DataTable)
    rows = [table.get_row_at(i) for i in range(table.row_count)]
    return {str(row[1]): str(row[3]) for row in reversed(rows)}


@pytest.mark.asyncio
async def test_each_alerts_detail_is_vietnamese_then_english_on_the_language_key(raised):
    watch, counts = raised
    kinds = {alert.kind for alert in watch.alerts(200)}
    assert set(EXPECTED) <= kinds, set(EXPECTED) - kinds  # each kind was really raised
    app = app_for(watch, counts)
    async with app.run_test(size=(200, 60)) as pilot:
        await until(pilot, lambda: shown(app) and len(details(app)) >= len(EXPECTED))
        vietnamese = details(app)
        for kind, (vi, _) in EXPECTED.items():
            row = next(d for label, d in vietnamese.items()
                       if label.startswith(Alert(kind, NOON).message("vi")))
            assert vi in row, (kind, row)
        assert not any("held back" in d or " missing " in d for d in vietnamese.values())
        await pilot.press("l")
        await until(pilot, lambda: any("held back" in d for d in details(app).values()))
        english = details(app)
        for kind, (_, en) in EXPECTED.items():
            row = next(d for label, d in english.items()
                       if label.startswith(Alert(kind, NOON).message("en")))
            assert en in row, (kind, row)


def test_the_detail_code_crosses_the_wire_and_an_old_alert_shows_its_text() -> None:
    alert = Alert(AlertKind.RATE_LIMITED, NOON, post="p", count=3,
                  detail="3 messages held back; the gateway resends them",
                  detail_code="held_back", detail_args={"count": 3})
    back = alert_from_json(json.loads(json.dumps(alert.to_json())))
    assert back is not None and back.detail_code == "held_back"
    assert shown_detail(back, "vi") == "3 bản tin bị hoãn; chốt sẽ gửi lại"
    old = alert.to_json()
    del old["detail_code"], old["detail_args"]
    older = alert_from_json(old)
    assert older is not None and shown_detail(older, "vi") == alert.detail
    # Values that do not fit the code: the text, not a traceback.
    broken = Alert(AlertKind.SEQUENCE_GAP, NOON, detail="seq ?", detail_code="sequence_gap",
                   detail_args={"lo": "x"})
    assert shown_detail(broken, "vi") == "seq ?"
