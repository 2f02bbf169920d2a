"""What one gateway login can make the center keep is bounded (issue 17, items 2 and 3).

Played on a real mosquitto against a running center with a real SQLite store, as the holder
of one post's gateway login would play it: retained 60 KB states for made-up kiosk ids, one
state listing 2,000 alarms, a link toggled offline and online hundreds of times. The center
keeps states only for registered devices, raises one alert per kind, folds the flapping into
one `link_flapping` alert, and purges rows it holds for devices it does not know. Learning
unknown kiosks is an explicit choice, bounded and never sticky, also across a restart.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from center.alert_log import AlertLog
from center.alerts import Alert, AlertKind
from center.dashboard.snapshot import take_snapshot
from center.link_log import LinkLog
from center.service import CenterService
from center.settings import load_center_config
from center.store import Store
from infra import topics
from infra.config import ConfigProblem
from infra.polling import wait_until as wait_for
from tests.center.test_center_instances import Listener

PROV, POST = "11", "tay-trang"
WAIT_S = 30.0
LINK_KINDS = {"post_offline", "post_online", "kiosk_offline", "kiosk_online"}


def state(status: str, **fields: Any) -> bytes:
    return json.dumps({"schema": 1, "status": status, "post": fields.pop("post", POST),
                       "at": datetime.now(UTC).isoformat(), **fields}).encode()


def registry_file(folder: Path) -> Path:
    path = folder / "registry.toml"
    path.write_text(f'province = "{PROV}"\n[[post]]\ncode = "{POST}"\nkiosks = ["k1"]\n')
    return path


def started(cfg_path: Path) -> CenterService:
    cfg, sections = load_center_config(cfg_path)
    service = CenterService(cfg, sections)
    service.start()
    assert service.ingest.link.wait_connected(15) and service.live.link.wait_connected(15)
    return service


def test_a_hostile_post_login_cannot_grow_the_center_state_or_its_alerts(
        mosquitto: Any, center_config: Callable[..., Path], tmp_path: Path):
    cfg_path = center_config(mosquitto, top=f'registry = "{registry_file(tmp_path)}"')
    db = tmp_path / "center.db"
    # Rows an earlier run kept for a device the registry does not list are purged at start.
    old = Store(db)
    old.set_states([(topics.kiosk_state(PROV, POST, "ghost"), "kiosk", POST, "ghost",
                     state("online", kiosk="ghost"))])
    old.close()
    links = LinkLog(db)
    links.record(POST, "ghost", True, datetime.now(UTC))
    links.close()
    service = started(cfg_path)
    attacker = Listener(mosquitto.port, [topics.alerts(PROV)])
    try:
        assert wait_for(lambda: ("tay-trang", "ghost") not in service.store.state_devices()
                        and (POST, "ghost") not in service.links.devices(), WAIT_S)
        blob = "x" * 60_000
        for n in range(300):
            kiosk = f"fake{n}"
            attacker.publish(topics.kiosk_state(PROV, POST, kiosk),
                             state("online", kiosk=kiosk, pending=0, junk=blob), retain=True)
        gateway = topics.gateway_state(PROV, POST)
        attacker.publish(gateway, state("online", backlog=0))
        alarms = [{"code": f"alarm{n}", "en": "made up", "since": n} for n in range(2000)]
        attacker.publish(gateway, state("online", backlog=0, alarms=alarms))
        for n in range(200):
            attacker.publish(gateway, state("offline", reason="connection_lost") if n % 2 == 0
                             else state("online", backlog=0))
        attacker.publish(topics.kiosk_state(PROV, POST, "k1"),
                         state("online", kiosk="k1", pending=999))
        watch = service.watch
        assert wait_for(lambda: (k1 := watch.monitor.kiosks.get((POST, "k1"))) is not None
                        and k1.pending == 999, WAIT_S)
        assert wait_for(lambda: any(s.kiosk == "k1" and s.state.get("pending") == 999
                                    for s in service.store.states()), WAIT_S)
        # Only registered devices are kept, in memory and in the store.
        assert set(watch.monitor.kiosks) == {(POST, "k1")}
        assert set(service.store.state_devices()) <= {(POST, None), (POST, "k1")}
        # One alert per kind, whatever a message lists or how often a link flaps.
        counts = watch.alert_counts
        assert counts.get("device_alarm") == 1 and counts.get("link_flapping") == 1
        assert sum(counts.get(kind, 0) for kind in LINK_KINDS) <= 3
        assert len(service.links.changes(datetime.now(UTC))) <= 4
        published = [a["kind"] for a in attacker.messages(topics.alerts(PROV))]
        assert published.count("device_alarm") == 1 and published.count("link_flapping") == 1
    finally:
        attacker.stop()
        service.stop()


def test_learning_is_bounded_and_made_up_kiosks_never_lock_the_real_one_out(
        mosquitto: Any, center_config: Callable[..., Path], tmp_path: Path, traffic):
    cfg_path = center_config(mosquitto, extra="[alerts]\nkiosks_per_post = 3\n")
    # An earlier run stored events of made-up kiosks filling the post's learnt slots.
    real = [e for e in traffic if e["type"] == "scan"][:2]
    post = real[0]["post"]
    store = Store(tmp_path / "center.db")
    store.add_events([{**e, "kiosk": f"fake{n}"} for n, e in enumerate(traffic[10:40])
                      if e["post"] == post] or [{**traffic[10], "post": post, "kiosk": "fake"}])
    store.close()
    service = started(cfg_path)
    gateway = Listener(mosquitto.port, [topics.post_acks(PROV, "+")])
    try:
        for n in range(20):  # and this run more of them
            gateway.publish(topics.kiosk_state(PROV, post, f"fresh{n}"),
                            json.dumps({"schema": 1, "status": "online", "post": post,
                                        "kiosk": f"fresh{n}", "pending": 0}).encode())
        for event in real:
            event = {**event, "kiosk": "k1"}
            gateway.publish(topics.kiosk_events(PROV, post, "k1"),
                            json.dumps(event, ensure_ascii=False).encode())
        assert wait_for(lambda: service.store.count_events(kiosk="k1") == 2, WAIT_S)
        assert wait_for(lambda: len(service.watch.monitor.kiosks) <= 3, WAIT_S)
        def purged() -> bool:
            service.upkeep.forget_unknown()  # what its minutely job does
            return len([s for s in service.store.states("kiosk") if s.post == post]) <= 3
        # States still being written when the job runs are purged by its next round.
        assert wait_for(purged, WAIT_S, step=0.2)
    finally:
        gateway.stop()
        service.stop()


def test_the_registry_is_the_default_and_learning_must_be_chosen(
        center_config: Callable[..., Path], tmp_path: Path):
    path = center_config()
    text = path.read_text("utf-8").replace("learn_kiosks = true\n", "")
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigProblem, match="registry") as refused:
        load_center_config(path)
    assert "learn_kiosks = true" in str(refused.value) and " / " in str(refused.value)
    both = center_config(top=f'registry = "{registry_file(tmp_path)}"\nlearn_kiosks = true')
    with pytest.raises(ConfigProblem, match="exactly one"):
        load_center_config(both)


class PostGateway:
    """A gateway's MQTT behaviour: a persistent session, a retained online state on every
    connect, and its Last Will (offline, connection_lost)."""

    def __init__(self, port: int, post: str) -> None:
        self.topic = topics.gateway_state(PROV, post)
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"gw-{post}",
                                  protocol=mqtt.MQTTv5)
        self.client.will_set(self.topic, state("offline", post=post, reason="connection_lost"),
                             qos=1, retain=True)
        self.client.reconnect_delay_set(0.1, 0.5)
        self.client.on_connect = lambda client, *_args: client.publish(
            self.topic, state("online", post=post, backlog=0), qos=1, retain=True)
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = 3600
        self.client.connect("127.0.0.1", port, 5, clean_start=False, properties=props)
        self.client.loop_start()

    def vanish(self) -> None:
        """Stop answering, as a post whose power went: only its will speaks for it."""
        self.client.loop_stop()


def test_the_center_tells_its_own_broker_loss_from_a_posts(
        mosquitto: Any, center_config: Callable[..., Path], caplog: pytest.LogCaptureFixture):
    service = started(center_config(mosquitto, extra="[alerts]\nbroker_grace_s = 8\n"))
    caplog.set_level(logging.WARNING, logger="center")
    alive, dead = PostGateway(mosquitto.port, POST), PostGateway(mosquitto.port, "pha-din")
    watch = service.watch
    try:
        assert wait_for(lambda: all(
            (g := watch.monitor.gateways.get(p)) is not None and g.online
            for p in (POST, "pha-din")), WAIT_S)
        dead.vanish()
        mosquitto.stop()
        assert wait_for(lambda: watch.monitor.broker_down_since is not None, WAIT_S)
        assert "lost the center-live broker" in caplog.text
        # The dashboard does not blame the posts for what the center cannot hear.
        shown = take_snapshot(watch, None, datetime.now(UTC))
        assert shown.broker_down_since is not None
        assert {row.post: row.online for row in shown.posts} == {POST: None, "pha-din": None}
        time.sleep(1.0)  # on purpose: the outage lasts a while, and its length is logged
        mosquitto.start()
        assert wait_for(lambda: re.search(r"center-live broker \S+ is back after [\d.]+ s",
                                          caplog.text) is not None, WAIT_S)
        # The restarted broker sends both wills: the post that is back is not alerted, the
        # one that is gone is, once the grace is over.
        assert wait_for(lambda: watch.alert_counts.get("post_offline", 0) >= 1, WAIT_S)
        offline = [a for a in watch.alerts() if a.kind == "post_offline"]
        assert [a.post for a in offline] == ["pha-din"]
        assert watch.monitor.gateways[POST].online
        assert watch.alert_counts.get("post_online", 0) == 0
    finally:
        alive.client.loop_stop()
        service.stop()


def test_device_rows_and_the_alert_log_work_alike_on_both_stores(store_at: str):
    now = datetime.now(UTC)
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)  # the wire keeps ms
    store, links, alert_log = Store(store_at), LinkLog(store_at), AlertLog(store_at)
    try:
        store.set_states([(topics.gateway_state(PROV, POST), "gateway", POST, None,
                           state("online", junk="x" * 60_000)),
                          (topics.kiosk_state(PROV, POST, "ghost"), "kiosk", POST, "ghost",
                           state("online", kiosk="ghost"))])
        kept = next(s for s in store.states() if s.kiosk is None)
        assert kept.state["truncated_from_chars"] > 60_000 and "junk" not in kept.state
        links.record(POST, None, True, now)
        links.record(POST, "ghost", True, now)
        assert sorted(links.devices(), key=str) == sorted([(POST, None), (POST, "ghost")],
                                                          key=str)
        store.forget_states([(POST, "ghost")])
        links.forget([(POST, "ghost")])
        assert store.state_devices() == [(POST, None)]
        assert links.devices() == [(POST, None)]
        assert [(p, k, online) for p, k, online, _ in links.statuses()] == [(POST, None, True)]
        alert = Alert(AlertKind.FEVER, now, POST, "k1", "01JD0000000000000000000000",
                      "38.6 °C", alert_id="01JD0000000000000000000001")
        alert_log.append(alert)
        alert_log.append(alert)  # kept once
        assert alert_log.since(now - timedelta(hours=1)) == [alert]
        assert alert_log.since(now + timedelta(seconds=1)) == []
    finally:
        for table in (store, links, alert_log):
            table.close()
