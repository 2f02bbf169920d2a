"""The shipped ACLs and TLS on a real mosquitto: who may publish what, and refusals counted."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from center.config import CenterConfig
from center.ingest import CenterIngest
from center.store import Store
from gateway import topics
from gateway.config import GatewayConfig, KioskLinkConfig, load_config
from gateway.journal import Journal
from gateway.kiosk_link import KioskLink
from gateway.relay import Gateway
from sim.broker import MosquittoBroker, TlsFiles
from sim.load import run_load
from tests.gateway.parts import (
    POST,
    PROV,
    REPO,
    broker_toml,
    center_toml,
    gateway_toml,
    kiosk_toml,
    probe,
    wait_for,
)

DEPLOY = REPO / "deploy" / "mosquitto"
USERS = {"center": "center-pw", "P01": "p01-pw", "P02": "p02-pw"}


def test_post_acl_lets_a_kiosk_publish_only_its_own_events(
        mosquitto_factory: Callable[..., MosquittoBroker]) -> None:
    broker = mosquitto_factory(users={"gateway": "gw-pw", "K1": "k1-pw"},
                               acl=(DEPLOY / "post.acl").read_text())
    kiosk = probe(broker.port, username="K1", password="k1-pw")
    try:
        assert kiosk.publish_and_wait(topics.policy(PROV), b"{}") == "Not authorized"
        assert kiosk.publish_and_wait(topics.kiosk_events(PROV, POST, "K1"), b"{}") in \
            ("Success", "No matching subscribers")
    finally:
        kiosk.close()
    kiosk = probe(broker.port, username="K1", password="k1-pw")
    try:
        assert kiosk.publish_and_wait(topics.kiosk_events(PROV, POST, "K2"), b"{}") == \
            "Not authorized"
    finally:
        kiosk.close()


def test_center_acl_reserves_policy_trust_and_acks_for_the_center(
        mosquitto_factory: Callable[..., MosquittoBroker]) -> None:
    broker = mosquitto_factory(users=USERS, acl=(DEPLOY / "center.acl").read_text())
    for topic in (topics.policy(PROV), topics.trust(PROV), topics.post_acks(PROV, POST),
                  topics.alerts(PROV)):
        gateway = probe(broker.port, username="P01", password="p01-pw")
        try:
            assert gateway.publish_and_wait(topic, b"{}") == "Not authorized", topic
        finally:
            gateway.close()
    center = probe(broker.port, username="center", password="center-pw")
    try:
        assert center.publish_and_wait(topics.policy(PROV), b"{}") in \
            ("Success", "No matching subscribers")
    finally:
        center.close()


def test_refused_events_are_not_counted_delivered_and_are_sent_once_allowed(
        tmp_path: Path, mosquitto_factory: Callable[..., MosquittoBroker]) -> None:
    full_acl = (DEPLOY / "center.acl").read_text()
    events_rule = "pattern write chot/v1/+/kiosk/%u/+/events\n"
    assert events_rule in full_acl
    post = mosquitto_factory()
    # The province forgot to let post P01 publish events: every event PUBACK says 135.
    center = mosquitto_factory(users=USERS, acl=full_acl.replace(events_rule, ""))
    center_cfg = center_toml(tmp_path, center.port)
    center_cfg.write_text(center_cfg.read_text().replace(
        "[broker]\n", '[broker]\nusername = "center"\npassword = "center-pw"\n'))
    store = Store(tmp_path / "center.db")
    ingest = CenterIngest(load_config(center_cfg, CenterConfig), store)
    ingest.start()
    journal = Journal(tmp_path / "k1.db", POST, "K1")
    link = KioskLink(load_config(kiosk_toml(tmp_path, "K1", post.port), KioskLinkConfig),
                     journal)
    link.start()
    run_load(journal, 30, rate=0)
    gateway = Gateway(load_config(gateway_toml(tmp_path, post.port, center.port, center_extra={
        "username": "P01", "password": "p01-pw"}), GatewayConfig), [])
    gateway.start()
    try:
        assert wait_for(lambda: gateway.counters.refused >= 3, 15), gateway.counters
        state = gateway.state()
        assert state["uplink"]["accepted"] == 0 and state["backlog"] == 30
        assert "publish_refused" in [a["code"] for a in state["alarms"]]
        assert store.count_events() == 0 and journal.counts()["pending"] == 30
        center.acl = full_acl
        center.restart()
        assert wait_for(lambda: store.count_events() == 30, 30), gateway.counters
        assert wait_for(lambda: journal.counts()["pending"] == 0, 15)
        assert wait_for(lambda: gateway.state()["backlog"] == 0, 5)
    finally:
        gateway.stop()
        link.stop()
        ingest.stop()


def make_tls(tmp: Path) -> TlsFiles:
    """A throwaway CA and a server certificate for localhost/127.0.0.1."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "chot test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(minutes=5))
          .not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .sign(ca_key, hashes.SHA256()))
    files = TlsFiles(tmp / "ca.crt", tmp / "server.crt", tmp / "server.key")
    files.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                 serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()))
    return files


def test_gateway_delivers_over_tls_with_its_post_login(
        tmp_path: Path, mosquitto_factory: Callable[..., MosquittoBroker]) -> None:
    tls = make_tls(tmp_path)
    post = mosquitto_factory()
    center = mosquitto_factory(users=USERS, acl=(DEPLOY / "center.acl").read_text(), tls=tls)
    center_cfg = tmp_path / "center-tls.toml"
    center_cfg.write_text(
        f'province = "{PROV}"\n[store]\npath = "{tmp_path / "center.db"}"\n'
        + broker_toml("broker", center.port, username="center", password="center-pw")
        + f'[broker.tls]\nca_file = "{tls.ca_file}"\n')
    store = Store(tmp_path / "center.db")
    ingest = CenterIngest(load_config(center_cfg, CenterConfig), store)
    ingest.start()
    gw_cfg = gateway_toml(tmp_path, post.port, center.port,
                          center_extra={"username": "P01", "password": "p01-pw"})
    gw_cfg.write_text(gw_cfg.read_text() + f'[center_broker.tls]\nca_file = "{tls.ca_file}"\n')
    gateway = Gateway(load_config(gw_cfg, GatewayConfig), [])
    gateway.start()
    journal = Journal(tmp_path / "k1.db", POST, "K1")
    link = KioskLink(load_config(kiosk_toml(tmp_path, "K1", post.port), KioskLinkConfig),
                     journal)
    link.start()
    try:
        run_load(journal, 50, rate=0)
        assert wait_for(lambda: store.count_events() == 50, 15), gateway.state()
        assert gateway.center_link.stats.connects >= 1 and gateway.counters.refused == 0
    finally:
        link.stop()
        gateway.stop()
        ingest.stop()
