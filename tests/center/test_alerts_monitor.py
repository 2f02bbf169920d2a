"""Fever and forged-code alerts, posts going offline by Last Will, kiosks lagging a policy."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import jsonschema

from center.alerts import Alert, AlertKind, AlertThrottle, alert_from_json, scan_alerts
from center.device_states import Monitor
from tests.center.test_asyncapi import validator

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)


def state(status: str, **fields: Any) -> bytes:
    return json.dumps({"schema": 1, "status": status, **fields}).encode()


def test_fevers_and_forgeries_of_a_day_raise_alerts_that_match_the_schema(traffic):
    alerts = [a for e in traffic for a in scan_alerts(e, NOW)]
    fevers = [e for e in traffic if "fever" in e.get("reasons", [])]
    forged = [e for e in traffic if e.get("rejection") in ("bad_signature", "unknown_key")]
    assert fevers and forged
    assert sorted(str(a.event_id) for a in alerts if a.kind is AlertKind.FEVER) \
        == sorted(e["event_id"] for e in fevers)
    assert sorted(str(a.event_id) for a in alerts if a.kind is AlertKind.FORGED_CODE) \
        == sorted(e["event_id"] for e in forged)
    expired = [e for e in traffic if e.get("rejection") == "expired"]
    assert expired and not any(a.event_id == expired[0]["event_id"] for a in alerts)
    check = validator("alert.json")
    for alert in alerts:
        payload = alert.to_json()
        check.validate(payload)
        # The detail code and its values cross the wire too.
        assert alert_from_json(payload) == replace(alert, alert_id=payload["alert_id"])
    fever = next(a for a in alerts if a.kind is AlertKind.FEVER)
    assert fever.message("vi") == "Người có sốt tại chốt" and fever.message("en") \
        == "Traveller with fever"
    assert fever.detail.endswith("°C")


def test_noisy_alerts_are_throttled_and_counted_but_fevers_never():
    throttle = AlertThrottle(interval_s=60)
    floods = [Alert(AlertKind.FLOOD, NOW + timedelta(seconds=s), "p", "k") for s in (0, 5, 10)]
    passed = [throttle.admit(a) for a in floods]
    assert passed[0] is floods[0] and passed[1:] == [None, None]
    later = throttle.admit(Alert(AlertKind.FLOOD, NOW + timedelta(seconds=61), "p", "k"))
    assert later is not None and later.count == 3
    other_kiosk = throttle.admit(Alert(AlertKind.FLOOD, NOW + timedelta(seconds=5), "p", "k2"))
    assert other_kiosk is not None
    fevers = [Alert(AlertKind.FEVER, NOW, "p", "k", event_id=str(n)) for n in range(5)]
    assert all(throttle.admit(a) is a for a in fevers)


def test_malformed_alert_payloads_are_ignored():
    data: Any
    for data in (None, [], {"schema": 2}, {"schema": 1, "kind": "nope", "at": "x"},
                 {"schema": 1, "kind": "fever"}):
        assert alert_from_json(data) is None


def test_last_will_turns_a_post_offline_with_one_alert_and_back():
    monitor = Monitor()
    topic = "chot/v1/11/gateway/tay-trang/state"
    assert monitor.apply(topic, state("online", post="tay-trang", at="2026-11-21T03:00:00Z",
                                      backlog=7, oldest_pending_age_s=3.5,
                                      policy_version=2), NOW) == []
    gateway = monitor.gateways["tay-trang"]
    assert gateway.online and gateway.pending == 7 and gateway.oldest_pending_age_s == 3.5
    assert monitor.apply(topic, state("online", post="tay-trang", backlog=0), NOW) == []
    down = monitor.apply(topic, state("offline", post="tay-trang", reason="connection_lost"),
                         NOW + timedelta(minutes=1))
    assert [a.kind for a in down] == [AlertKind.POST_OFFLINE]
    assert down[0].detail == "connection_lost" and not gateway.online
    up = monitor.apply(topic, state("online", post="tay-trang"), NOW + timedelta(minutes=9))
    assert [a.kind for a in up] == [AlertKind.POST_ONLINE]


def test_a_post_first_seen_offline_is_alerted_and_its_kiosks_are_unreachable():
    monitor = Monitor()
    kiosk_topic = "chot/v1/11/kiosk/huoi-puoc/k1/state"
    monitor.apply(kiosk_topic, state("online", post="huoi-puoc", kiosk="k1", pending=2,
                                     policy_version=1), NOW)
    alerts = monitor.apply("chot/v1/11/gateway/huoi-puoc/state",
                           state("offline", post="huoi-puoc", reason="connection_lost"), NOW)
    assert [a.kind for a in alerts] == [AlertKind.POST_OFFLINE]
    kiosk = monitor.kiosks["huoi-puoc", "k1"]
    assert kiosk.online and not monitor.kiosk_reachable(kiosk)


def test_kiosks_behind_the_published_policy_are_listed():
    monitor = Monitor()
    for kiosk, version in (("k1", 3), ("k2", 2), ("k3", None)):
        monitor.apply(f"chot/v1/11/kiosk/p/{kiosk}/state",
                      state("online", post="p", kiosk=kiosk, policy_version=version), NOW)
    assert monitor.lagging() == []
    monitor.apply_document("policy", json.dumps({"version": 3}).encode())
    assert sorted(str(k.kiosk) for k in monitor.lagging()) == ["k2", "k3"]


def test_a_kiosk_clock_ahead_in_its_state_is_alerted_and_junk_states_ignored():
    monitor = Monitor(max_skew_s=60)
    ahead = (NOW + timedelta(minutes=10)).isoformat().replace("+00:00", "Z")
    alerts = monitor.apply("chot/v1/11/kiosk/p/k1/state",
                           state("online", post="p", kiosk="k1", at=ahead), NOW)
    assert [a.kind for a in alerts] == [AlertKind.CLOCK_SKEW]
    for topic, payload in (("chot/v1/11/kiosk/p/k1/state", b"\xff"),
                           ("chot/v1/11/kiosk/p/k1/state", b'{"schema": 9}'),
                           ("chot/v1/11/other/state", state("online"))):
        assert monitor.apply(topic, payload, NOW) == []
    assert monitor.ignored == 3


def test_state_schemas_accept_what_the_monitor_reads():
    kiosk = validator("kiosk-state.json")
    kiosk.validate(json.loads(state("offline", post="p", kiosk="k", reason="connection_lost")))
    try:
        kiosk.validate(json.loads(state("online", post="p", kiosk="k")))
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("an online state without its counters must not validate")


def test_an_alarm_a_gateway_reports_is_alerted_once_while_it_lasts():
    monitor = Monitor()
    topic = "chot/v1/11/gateway/tay-trang/state"
    disk_full = {"code": "disk_full", "vi": "Ổ đĩa đầy", "en": "disk full", "detail": "",
                 "since": 1.0}
    sequence = [[], [disk_full], [disk_full], [], [disk_full]]
    raised = [monitor.apply(topic, state("online", post="tay-trang", alarms=alarms), NOW)
              for alarms in sequence]
    assert [[a.kind for a in r] for r in raised] == [[], [AlertKind.DEVICE_ALARM], [], [],
                                                     [AlertKind.DEVICE_ALARM]]
    assert raised[1][0].detail == "disk_full: disk full"
    assert monitor.gateways["tay-trang"].alarms == ["disk_full"]
    validator("alert.json").validate(raised[1][0].to_json())
