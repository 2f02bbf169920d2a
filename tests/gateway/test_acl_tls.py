"""Generated broker access and TLS on a real mosquitto: refusals counted, TLS on both hops."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

from center.broker_access import center_access, post_access
from center.config import CenterConfig
from center.ingest import CenterIngest
from center.store import Store
from gateway.config import GatewayConfig
from gateway.relay import Gateway
from infra import topics
from infra.config import load_config
from kiosk_ui.journal import Journal
from kiosk_ui.kiosk_link import KioskLink
from kiosk_ui.link_config import KioskLinkConfig
from sim.broker import MosquittoBroker
from sim.load import run_load
from sim.shipped_brokers import ShippedBroker as Shipped
from sim.shipped_brokers import dynsec, make_tls, password
from tests.broker.parts import REGISTRY, Device
from tests.gateway.parts import (
    POST,
    PROV,
    broker_toml,
    center_toml,
    gateway_toml,
    kiosk_toml,
    wait_for,
)

CENTER = {"username": "center-1", "password": password("center-1")}
GATEWAY_UP = {"username": POST, "password": password(POST)}


def test_only_the_center_publishes_policy_trust_and_acks(
        mosquitto_factory: Callable[..., MosquittoBroker]) -> None:
    broker = mosquitto_factory(dynsec=dynsec(center_access(REGISTRY)))
    for topic in (topics.policy(PROV), topics.trust(PROV), topics.post_acks(PROV, POST),
                  topics.alerts(PROV)):
        gateway = Device(broker.port, POST, f"gateway-{POST}")
        try:
            assert gateway.publish(topic) == "Not authorized", topic
        finally:
            gateway.close()
    center = Device(broker.port, "center-1", "center-1-publish")
    try:
        assert center.publish(topics.policy(PROV)) in ("Success", "No matching subscribers")
    finally:
        center.close()


def test_refused_events_are_not_counted_delivered_and_are_sent_once_allowed(
        tmp_path: Path, mosquitto_factory: Callable[..., MosquittoBroker]) -> None:
    full = dynsec(center_access(REGISTRY))
    # The province forgot to let post P01 publish events: every event PUBACK says 135.
    forgot = copy.deepcopy(full)
    for role in forgot["roles"]:
        if role["rolename"] == f"gateway-{POST}":
            role["acls"] = [a for a in role["acls"] if not a["topic"].endswith("/events")]
    post = mosquitto_factory()
    center = mosquitto_factory(dynsec=forgot)
    center_cfg = center_toml(tmp_path, center.port)
    center_cfg.write_text(center_cfg.read_text().replace(
        "[broker]\n", '[broker]\nusername = "center-1"\npassword = "center-1-pw"\n'))
    store = Store(tmp_path / "center.db")
    ingest = CenterIngest(load_config(center_cfg, CenterConfig), store)
    ingest.start()
    journal = Journal(tmp_path / "k1.db", POST, "K1")
    link = KioskLink(load_config(kiosk_toml(tmp_path, "K1", post.port), KioskLinkConfig),
                     journal)
    link.start()
    run_load(journal, 30, rate=0)
    gateway = Gateway(load_config(gateway_toml(tmp_path, post.port, center.port,
                                               center_extra=GATEWAY_UP), GatewayConfig), [])
    gateway.start()
    try:
        assert wait_for(lambda: gateway.counters.refused >= 3, 15), gateway.counters
        state = gateway.state()
        assert state["uplink"]["accepted"] == 0 and state["backlog"] == 30
        assert "publish_refused" in [a["code"] for a in state["alarms"]]
        assert store.count_events() == 0 and journal.counts()["pending"] == 30
        center.dynsec = full
        center.restart()
        assert wait_for(lambda: store.count_events() == 30, 30), gateway.counters
        assert wait_for(lambda: journal.counts()["pending"] == 0, 15)
        assert wait_for(lambda: gateway.state()["backlog"] == 0, 5)
    finally:
        gateway.stop()
        link.stop()
        ingest.stop()


def test_events_travel_over_tls_on_both_hops_with_generated_logins(
        tmp_path: Path, mosquitto_factory: Callable[..., MosquittoBroker]) -> None:
    tls = make_tls(tmp_path / "tls")
    center = Shipped("center", tmp_path, tls)
    center.start(mosquitto_factory, center_access(REGISTRY))
    post = Shipped("post", tmp_path, tls)
    post.start(mosquitto_factory, post_access(REGISTRY, POST))
    center_cfg = tmp_path / "center-tls.toml"
    center_cfg.write_text(
        f'province = "{PROV}"\ninstance = "center-1"\n[store]\npath = "{tmp_path / "c.db"}"\n'
        + broker_toml("broker", center.port, **CENTER))
    store = Store(tmp_path / "c.db")
    ingest = CenterIngest(load_config(center_cfg, CenterConfig), store)
    ingest.start()
    gw_cfg = gateway_toml(tmp_path, post.port, center.tls_port, center_extra=GATEWAY_UP)
    # The gateway's post login goes at the end of [post_broker], just before [center_broker].
    text = gw_cfg.read_text().replace(
        "[center_broker]\n", f'username = "gateway"\npassword = "{password("gateway")}"\n'
        "[center_broker]\n", 1)
    gw_cfg.write_text(text + f'[center_broker.tls]\nca_file = "{tls.ca_file}"\n')
    gateway = Gateway(load_config(gw_cfg, GatewayConfig), [])
    gateway.start()
    k_cfg = kiosk_toml(tmp_path, "K1", post.tls_port)
    k_cfg.write_text(k_cfg.read_text() + f'username = "K1"\npassword = "{password("K1")}"\n'
                     f'[broker.tls]\nca_file = "{tls.ca_file}"\n')
    journal = Journal(tmp_path / "k1.db", POST, "K1")
    link = KioskLink(load_config(k_cfg, KioskLinkConfig), journal)
    link.start()
    try:
        run_load(journal, 50, rate=0)
        assert wait_for(lambda: store.count_events() == 50, 20), gateway.state()
        assert wait_for(lambda: journal.counts()["pending"] == 0, 15)
        assert gateway.center_link.stats.connects >= 1 and gateway.counters.refused == 0
    finally:
        link.stop()
        gateway.stop()
        ingest.stop()


def test_the_post_lan_listener_refuses_plain_mqtt(
        tmp_path: Path, mosquitto_factory: Callable[..., MosquittoBroker]) -> None:
    post = Shipped("post", tmp_path, make_tls(tmp_path / "tls"))
    post.start(mosquitto_factory, post_access(REGISTRY, POST))
    plain = Device(post.tls_port, "K1", "kiosk-P01-K1")
    try:
        assert not plain.connected and plain.connect_reason == "no answer"
    finally:
        plain.close()
