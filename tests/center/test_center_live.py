"""The center on a real broker, seen by a client this project did not write (mosquitto_sub).

A kiosk records scans in its journal; the post's gateway relays them to the provincial
broker; the center stores them once, acknowledges them, raises alerts and tells the
destination ward. A garbled message and an unknown schema version are quarantined without
stopping anything. The policy is published and reaches the kiosk. Every message mosquitto_sub
captured validates against the payload schema docs/asyncapi.yaml gives for its channel.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from center.service import CenterService
from center.settings import load_center_config
from chot.commands.center import publish as publish_command
from gateway.config import GatewayConfig
from gateway.relay import Gateway
from infra.config import parse_config
from infra.polling import wait_until as wait_for
from kiosk_ui.journal import Journal
from kiosk_ui.kiosk_link import KioskLink
from kiosk_ui.link_config import KioskLinkConfig
from screening import declaration, signed_code
from screening.default_policy import DEFAULT_BODY
from screening.event import StaffAction
from screening.keys import SigningKey, keyring
from screening.places import Place
from screening.verdict import Outcome
from sim.broker import MosquittoBroker
from sim.travellers import altered_after_signing
from tests.center.test_asyncapi import payload_validators
from tests.center.traffic import scan_maker

PROV, POST, KIOSK, WARD = "11", "tay-trang", "k1", "03127"


class ThirdParty:
    """mosquitto_sub on `chot/v1/11/#`: every message with its retain flag."""

    PROBE = f"chot/v1/{PROV}/probe"

    def __init__(self, port: int, out: Path) -> None:
        self.out, self.port = out, port
        with out.open("w") as sink:
            self.proc = subprocess.Popen(
                ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-V", "mqttv5", "-q", "1",
                 "-t", f"chot/v1/{PROV}/#", "-F", "%r\t%t\t%x"],
                stdout=sink, stderr=subprocess.DEVNULL)
        # Listening only once it has seen a probe: nothing later can slip past it.
        def heard_probe() -> bool:
            raw_publish(port, self.PROBE, b"{}")
            time.sleep(0.1)  # pacing the probes; the wait is wait_for's, on the printed probe
            return self.PROBE in out.read_text()

        assert wait_for(heard_probe), "mosquitto_sub did not start"

    def stop(self) -> list[tuple[bool, str, bytes]]:
        """End it and return what it printed: (retained, topic, payload)."""
        # Whatever was published before a last probe has been printed once that probe is.
        probes = self.out.read_text().count(self.PROBE)
        raw_publish(self.port, self.PROBE, b"{}")
        assert wait_for(lambda: self.out.read_text().count(self.PROBE) > probes), \
            "mosquitto_sub stopped printing"
        self.proc.terminate()
        self.proc.wait(timeout=10)
        lines = [line.split("\t") for line in self.out.read_text().splitlines()
                 if line.count("\t") == 2]
        return [(r == "1", t, bytes.fromhex(x)) for r, t, x in lines if t != self.PROBE]



def broker_section(port: int) -> dict[str, Any]:
    return {"host": "127.0.0.1", "port": port, "reconnect_min_s": 0.1, "reconnect_max_s": 0.5,
            "keepalive_s": 5}


def channel_of(topic: str, validators: dict[str, Any]) -> str:
    for address in validators:
        pattern = re.sub(r"\\\{[a-z]+\\\}", "[^/]+", re.escape(address))
        if re.fullmatch(pattern, topic):
            return address
    raise AssertionError(f"{topic} matches no channel of the AsyncAPI document")


def raw_publish(port: int, topic: str, payload: bytes) -> None:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.connect("127.0.0.1", port)
    client.loop_start()
    client.publish(topic, payload, qos=1).wait_for_publish(5)
    client.disconnect()
    client.loop_stop()


@pytest.mark.timeout(120)
def test_a_post_seen_by_the_center_and_a_third_party(mosquitto_factory, center_config,
                                                     tmp_path: Path):
    provincial: MosquittoBroker = mosquitto_factory()
    post_broker: MosquittoBroker = mosquitto_factory()
    center_key = SigningKey.generate()
    (tmp_path / "center.key").write_bytes(center_key.to_pem())
    (tmp_path / "center.key").chmod(0o600)  # keys others can read are refused
    (tmp_path / "center.pub").write_bytes(center_key.public.to_pem())
    watcher = ThirdParty(provincial.port, tmp_path / "mosquitto_sub.txt")
    cfg_path = center_config(provincial, extra=f"""
[alerts]
known_posts = ["{POST}"]
[publish]
key = "{tmp_path / 'center.key'}"
""")
    cfg, sections = load_center_config(cfg_path)
    service = CenterService(cfg, sections)
    service.start()
    gateway = Gateway(parse_config({
        "province": PROV, "post": POST, "state_interval_s": 0.5,
        "center_keys": [str(tmp_path / "center.pub")],
        "outbox": {"path": str(tmp_path / "outbox.db"), "ack_timeout_s": 3.0},
        "post_broker": broker_section(post_broker.port),
        "center_broker": broker_section(provincial.port)}, GatewayConfig),
        [center_key.public])
    journal = Journal(tmp_path / "journal.db", POST, KIOSK)
    link = KioskLink(parse_config({
        "province": PROV, "post": POST, "kiosk": KIOSK, "resend_after_s": 3.0,
        "state_interval_s": 0.5, "journal": {"path": str(tmp_path / "journal.db")},
        "broker": broker_section(post_broker.port)}, KioskLinkConfig), journal,
        center_keys=[center_key.public])
    try:
        gateway.start()
        link.start()
        issuer = SigningKey.generate()
        trusted = keyring([issuer.public])
        now = datetime.now(UTC)
        hot_zone = declaration.example(now)  # Bắc Ninh → ward 03127, with a cough
        from_hanoi = replace(hot_zone, origin=Place(province="01"), symptoms=(), contact=None)
        genuine = signed_code.issue(from_hanoi, issuer)
        forged = altered_after_signing(genuine, replace(from_hanoi, origin=Place(province="11")))
        recorded = [journal.record(scan_maker(signed_code.issue(hot_zone, issuer), trusted,
                                              36.6)),
                    journal.record(scan_maker(genuine, trusted, 38.9)),
                    journal.record(scan_maker(genuine, trusted, 36.4)),
                    journal.record(scan_maker(forged, trusted, 36.5))]
        assert [e["outcome"] for e in recorded] == ["medical_check", "medical_check",
                                                    "home_quarantine", "rejected"]
        ids = {e["event_id"] for e in recorded}
        assert wait_for(lambda: journal.counts()["pending"] == 0), "kiosk never got its acks"
        # Staff let the home-quarantine traveller through after all: the ward is told.
        journal.record(lambda header: StaffAction(header, recorded[2]["event_id"], "override",
                                                  Outcome.CLEAR, "Giấy xét nghiệm âm tính",
                                                  "cb01"))
        assert wait_for(lambda: journal.counts()["pending"] == 0)
        events_topic = f"chot/v1/{PROV}/kiosk/{POST}/{KIOSK}/events"
        raw_publish(provincial.port, events_topic, b'{"schema": 1, "event_id": "garbled')
        raw_publish(provincial.port, events_topic,
                    json.dumps(recorded[0] | {"schema": 7}).encode())
        assert wait_for(lambda: service.ingest.counters.quarantined == 2)
        assert service.store.count_events() == 5
        assert [q["reason"] for q in service.store.quarantined()] == ["unknown_schema",
                                                                      "malformed_json"]

        assert publish_command.publish_policy(_args(cfg_path, tmp_path, DEFAULT_BODY)) == 0
        assert wait_for(lambda: link.docs_versions.get("policy") == 1), \
            "the policy did not reach the kiosk"
        assert wait_for(lambda: service.watch.monitor.published.get("policy") == 1
                        and not service.watch.monitor.lagging())
        gateway.stop()
        assert wait_for(lambda: service.watch.monitor.gateways[POST].online is False)
        # A late subscriber gets the retained picture: states, policy, the ward's summary.
        late = subprocess.run(
            ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(provincial.port), "-V", "mqttv5",
             "-t", f"chot/v1/{PROV}/#", "--retained-only", "-C", "4", "-W", "20",
             "-F", "%r\t%t\t%x"], capture_output=True, text=True, timeout=30)
        retained = [(r == "1", t, bytes.fromhex(x)) for r, t, x in
                    (line.split("\t") for line in late.stdout.splitlines())]
    finally:
        link.stop()
        journal.close()
        gateway.stop()
        service.stop()
        captured = watcher.stop()

    by_topic: dict[str, list[dict[str, Any]]] = {}
    validators = payload_validators()
    bad = {b'{"schema": 1, "event_id": "garbled', json.dumps(recorded[0] | {"schema": 7}).encode()}
    for _retained, topic, payload in captured:
        if payload in bad:
            continue
        data = json.loads(payload)
        validators[channel_of(topic, validators)].validate(data)
        by_topic.setdefault(topic, []).append(data)

    # A gateway relaying a backlog may send several events to a message (a batch).
    relayed = [e for m in by_topic[events_topic]
               for e in (m["events"] if m["type"] == "batch" else [m])]
    assert {e["event_id"] for e in relayed if e["type"] == "scan"} == ids
    acked = {i for m in by_topic[f"chot/v1/{PROV}/acks/{POST}"] for i in m["event_ids"]}
    assert ids <= acked
    alerts = by_topic[f"chot/v1/{PROV}/alerts"]
    kinds = [a["kind"] for a in alerts]
    assert kinds.count("fever") == 1 and kinds.count("forged_code") == 1
    assert kinds.count("quarantined") >= 1 and "post_offline" in kinds
    fever = next(a for a in alerts if a["kind"] == "fever")
    assert fever["event_id"] == recorded[1]["event_id"] and fever["detail"] == "38.9 °C"
    notices = by_topic[f"chot/v1/{PROV}/arrivals/{WARD}"]
    arrivals = [n for n in notices if n["type"] == "arrival"]
    assert [(a["event_id"], a["status"]) for a in arrivals] == \
        [(e["event_id"], "new") for e in recorded[:3]] + [(recorded[2]["event_id"], "cancelled")]
    assert {a["identity"]["name"] for a in arrivals} == {hot_zone.identity.name}
    summaries = [n for n in notices if n["type"] == "summary"]
    totals = [s["total"] for s in summaries]  # one per stored batch, then the override's
    assert totals[-2:] == [3, 2] and totals == sorted(totals[:-1]) + [2]
    assert summaries[-1]["by_outcome"] == {"home_quarantine": 0, "central_quarantine": 0,
                                           "medical_check": 2}
    assert any(t.endswith("/state") for t in by_topic)

    late_view = {topic: json.loads(payload) for is_retained, topic, payload in retained
                 if is_retained}
    assert late_view[f"chot/v1/{PROV}/policy"]["version"] == 1
    assert late_view[f"chot/v1/{PROV}/arrivals/{WARD}"]["type"] == "summary"
    assert late_view[f"chot/v1/{PROV}/gateway/{POST}/state"]["status"] == "offline"
    assert late_view[f"chot/v1/{PROV}/kiosk/{POST}/{KIOSK}/state"]["policy_version"] == 1
    for topic, data in late_view.items():
        validators[channel_of(topic, validators)].validate(data)


def _args(cfg_path: Path, tmp_path: Path, body: dict[str, Any]) -> Any:
    import argparse
    policy_file = tmp_path / "policy.json"
    policy_file.write_text(json.dumps(body, ensure_ascii=False), "utf-8")
    return argparse.Namespace(tool_config=str(cfg_path), file=str(policy_file), key=None)
