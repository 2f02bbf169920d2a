"""A gateway's, kiosk's or ward's login on the shipped brokers cannot disrupt anyone else."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

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
from sim.shipped_brokers import password
from tests.broker.parts import Device
from tests.gateway.parts import broker_toml, gateway_toml, kiosk_toml, wait_for

PROV = "01"
REFUSED = "Not authorized"


@pytest.fixture
def devices() -> Iterator[Callable[..., Device]]:
    """Log devices in; every one is disconnected at the end."""
    made: list[Device] = []

    def login(*args: object, **kwargs: object) -> Device:
        made.append(Device(*args, **kwargs))  # type: ignore[arg-type]
        return made[-1]

    yield login
    for device in made:
        device.close()


def center_ingest(tmp_path: Path, port: int, instance: str = "center-1") -> CenterIngest:
    """A real center ingest logged in as the instance, on the broker's loopback listener."""
    cfg = tmp_path / f"{instance}.toml"
    cfg.write_text(f'province = "{PROV}"\ninstance = "{instance}"\n'
                   f'[store]\npath = "{tmp_path / "center.db"}"\n'
                   + broker_toml("broker", port, username=instance, password=password(instance)))
    ingest = CenterIngest(load_config(cfg, CenterConfig), Store(tmp_path / "center.db"))
    ingest.start()
    return ingest


def test_a_gateway_cannot_join_the_centers_shared_subscription(
        tmp_path: Path, center_broker: Shipped, devices: Callable[..., Device],
        mosquitto_factory: Callable[..., MosquittoBroker]) -> None:
    ingest = center_ingest(tmp_path, center_broker.port)
    thief = devices(center_broker.tls_port, "P02", "gateway-P02", tls_ca=center_broker.tls.ca_file)
    assert thief.connected
    for stolen in (topics.shared(topics.all_kiosk_events(PROV)),
                   topics.shared(topics.all_kiosk_events(PROV, "P01"), "thieves"),
                   topics.shared(topics.post_acks(PROV, "P02"))):
        assert thief.subscribe(stolen) == REFUSED, stolen
    post = mosquitto_factory()
    gw_cfg = gateway_toml(tmp_path, post.port, center_broker.tls_port, center_extra={
        "username": "P01", "password": password("P01")})
    gw_cfg.write_text(gw_cfg.read_text()
                      + f'[center_broker.tls]\nca_file = "{center_broker.tls.ca_file}"\n')
    gateway = Gateway(load_config(gw_cfg, GatewayConfig), [])
    gateway.start()
    journal = Journal(tmp_path / "k1.db", "P01", "K1")
    link = KioskLink(load_config(kiosk_toml(tmp_path, "K1", post.port), KioskLinkConfig),
                     journal)
    link.start()
    try:
        run_load(journal, 20, rate=0)
        assert wait_for(lambda: ingest.store.count_events() == 20, 20), gateway.state()
        assert wait_for(lambda: journal.counts()["pending"] == 0, 15)
        assert thief.messages == [] and thief.connected
    finally:
        link.stop()
        gateway.stop()
        ingest.stop()


def test_device_logins_get_no_wildcard_subscriptions(
        center_broker: Shipped, post_broker: Shipped, devices: Callable[..., Device]) -> None:
    ca = center_broker.tls.ca_file
    gateway = devices(center_broker.tls_port, "P01", "gateway-P01", tls_ca=ca)
    for wide in ("#", "chot/v1/#", "chot/v1/01/#", "chot/v1/01/acks/+", "chot/v1/+/acks/P01",
                 "chot/v1/01/kiosk/+/+/events", "chot/v1/01/arrivals/+", "$SYS/#"):
        assert gateway.subscribe(wide) == REFUSED, wide
    assert gateway.subscribe(topics.post_acks(PROV, "P01")) == "Granted QoS 1"
    assert gateway.subscribe(topics.policy(PROV)) == "Granted QoS 1"
    kiosk = devices(post_broker.tls_port, "K1", "kiosk-P01-K1", tls_ca=ca)
    for wide in ("#", "chot/v1/01/acks/P01/+", topics.all_kiosk_events(PROV, "P01"),
                 topics.kiosk_acks(PROV, "P01", "K2")):
        assert kiosk.subscribe(wide) == REFUSED, wide
    assert kiosk.subscribe(topics.kiosk_acks(PROV, "P01", "K1")) == "Granted QoS 1"


def test_a_gateway_login_cannot_take_the_centers_client_id(
        tmp_path: Path, center_broker: Shipped, devices: Callable[..., Device]) -> None:
    center = devices(center_broker.port, "center-1", "center-1")
    assert center.connected
    for client_id in ("center-1", "center-1-live", "gateway-P02", ""):
        intruder = devices(center_broker.tls_port, "P01", client_id,
                           tls_ca=center_broker.tls.ca_file)
        assert intruder.connect_reason == REFUSED, client_id
    assert center.connected and center.disconnects == []
    ward = devices(center_broker.tls_port, "ward-00070", "center-1",
                   tls_ca=center_broker.tls.ca_file)
    assert ward.connect_reason == REFUSED and center.connected


def test_a_kiosk_login_cannot_take_the_gateways_client_id(
        post_broker: Shipped, devices: Callable[..., Device]) -> None:
    gateway = devices(post_broker.port, "gateway", "gateway-P01")
    assert gateway.connected
    ca = post_broker.tls.ca_file
    for client_id in ("gateway-P01", "kiosk-P01-K2", "center-1"):
        assert devices(post_broker.tls_port, "K1", client_id, tls_ca=ca).connect_reason == \
            REFUSED, client_id
    assert gateway.connected and gateway.disconnects == []
    assert devices(post_broker.tls_port, "K1", "kiosk-P01-K1", tls_ca=ca).connected


def test_a_gateway_publishes_only_its_own_posts_topics_in_its_province(
        center_broker: Shipped, devices: Callable[..., Device]) -> None:
    def gateway() -> Device:
        return devices(center_broker.tls_port, "P01", "gateway-P01",
                       tls_ca=center_broker.tls.ca_file)

    # mosquitto 2.0.11 closes a connection after refusing its QoS 1 PUBLISH: one login each.
    for foreign in (topics.kiosk_events(PROV, "P02", "K1"), topics.kiosk_state(PROV, "P02", "K1"),
                    topics.gateway_state(PROV, "P02"), topics.kiosk_events("02", "P01", "K1"),
                    topics.gateway_state("02", "P01"), topics.policy(PROV), topics.trust(PROV),
                    topics.post_acks(PROV, "P01"), topics.alerts(PROV),
                    topics.arrivals(PROV, "00070")):
        assert gateway().publish(foreign) == REFUSED, foreign
    for own in (topics.kiosk_events(PROV, "P01", "K2"), topics.gateway_state(PROV, "P01")):
        assert gateway().publish(own) in ("Success", "No matching subscribers"), own


def test_a_kiosk_publishes_only_its_own_events_and_state(
        post_broker: Shipped, devices: Callable[..., Device]) -> None:
    def kiosk() -> Device:
        return devices(post_broker.tls_port, "K1", "kiosk-P01-K1", tls_ca=post_broker.tls.ca_file)

    for foreign in (topics.kiosk_events(PROV, "P01", "K2"), topics.kiosk_events(PROV, "P02", "K1"),
                    topics.kiosk_events("02", "P01", "K1"), topics.kiosk_acks(PROV, "P01", "K1"),
                    topics.gateway_state(PROV, "P01"), topics.policy(PROV)):
        assert kiosk().publish(foreign) == REFUSED, foreign
    assert kiosk().publish(topics.kiosk_events(PROV, "P01", "K1")) in \
        ("Success", "No matching subscribers")


def test_a_ward_reads_only_its_own_arrival_notices(
        center_broker: Shipped, devices: Callable[..., Device]) -> None:
    ca = center_broker.tls.ca_file
    ward = devices(center_broker.tls_port, "ward-00070", "ward-00070", tls_ca=ca)
    assert ward.subscribe(topics.arrivals(PROV, "00071")) == REFUSED
    assert ward.subscribe(topics.arrivals(PROV, "+")) == REFUSED
    assert ward.subscribe(topics.arrivals(PROV, "00070")) == "Granted QoS 1"
    center = devices(center_broker.port, "center-2", "center-2-watch")
    assert center.publish(topics.arrivals(PROV, "00071"), b'{"ward": "00071"}') == \
        "No matching subscribers"
    assert center.publish(topics.arrivals(PROV, "00070"), b'{"ward": "00070"}') == "Success"
    assert wait_for(lambda: len(ward.messages) == 1, 5)
    assert ward.messages == [(topics.arrivals(PROV, "00070"), b'{"ward": "00070"}')]
    assert ward.publish(topics.arrivals(PROV, "00070")) == REFUSED
