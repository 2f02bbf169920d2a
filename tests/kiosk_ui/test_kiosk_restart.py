"""A restarted kiosk keeps what the center told it: the newest policy, and every revocation.

The kiosk's real objects (build_ports: SQLite journal, gateway link, policy files) on a real
mosquitto, stopped and built again as `chot kiosk` does on a restart or power cut.
"""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt

from infra import topics
from kiosk_ui.checkpoint import Checkpoint
from kiosk_ui.config import KioskConfig, parse_config
from kiosk_ui.devices import Running, build_ports
from kiosk_ui.sample_travellers import sample_codes
from screening.default_policy import DEFAULT_BODY
from screening.event import utc_iso
from screening.keys import SigningKey
from screening.policy import POLICY_KIND
from screening.reasons import Reason
from screening.signed_doc import sign_doc
from screening.trust import TRUST_KIND, trust_body
from sim.broker import MosquittoBroker
from tests.gateway.parts import wait_for

CENTER = SigningKey.generate()
KEPT = SigningKey.generate()      # an issuer in every trust list
REVOKED = SigningKey.generate()   # an issuer the center dropped in trust list v2
NOW = datetime.now(UTC)


def signed(kind: str, version: int, body: dict[str, Any]) -> dict[str, Any]:
    return sign_doc(kind, version, utc_iso(NOW), body, CENTER)


def trust(version: int, *issuers: SigningKey) -> dict[str, Any]:
    return signed(TRUST_KIND, version,
                  trust_body([(f"issuer-{i}", key.public) for i, key in enumerate(issuers)]))


def kiosk_config(tmp: Path, port: int) -> KioskConfig:
    """A kiosk whose files hold policy v3 and trust list v1 (still listing REVOKED)."""
    (tmp / "center.pub").write_bytes(CENTER.public.to_pem())
    (tmp / "policy-v3.json").write_text(json.dumps(signed(POLICY_KIND, 3, DEFAULT_BODY)))
    (tmp / "trust-v1.json").write_text(json.dumps(trust(1, KEPT, REVOKED)))
    return parse_config({
        "post": "tuan-giao", "kiosk": "k7",
        "policy": {"file": str(tmp / "policy-v3.json"),
                   "center_keys": [str(tmp / "center.pub")],
                   "trust": [str(tmp / "trust-v1.json")]},
        "journal": {"path": str(tmp / "state" / "journal.sqlite")},
        "gateway": {"host": "127.0.0.1", "port": port, "province": "11"},
    })


def publish(port: int, kind: str, envelope: dict[str, Any]) -> None:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.connect("127.0.0.1", port)
    client.loop_start()
    topic = topics.policy("11") if kind == POLICY_KIND else topics.trust("11")
    client.publish(topic, json.dumps(envelope), qos=1, retain=True).wait_for_publish(5)
    client.disconnect()
    client.loop_stop()


def in_force(running: Running) -> tuple[int, set[bytes]]:
    current = running.ports.policy.current()
    return current.policy.version, set(current.trusted)


def issuer_trusted(running: Running, issuer: SigningKey) -> bool:
    """Scan a declaration of this issuer through the kiosk: was its key trusted?"""
    event = Checkpoint(running.ports).scan(sample_codes(issuer, NOW)["clear"])
    return event.scan.rejection != Reason.UNKNOWN_KEY


def test_a_restarted_kiosk_keeps_the_newest_policy_and_refuses_an_older_trust_list(
        tmp_path: Path) -> None:
    with MosquittoBroker() as broker:
        broker.start()
        config = kiosk_config(tmp_path, broker.port)
        running = build_ports(config)
        try:
            assert in_force(running) == (3, {KEPT.kid, REVOKED.kid})
            publish(broker.port, POLICY_KIND, signed(POLICY_KIND, 9, DEFAULT_BODY))
            publish(broker.port, TRUST_KIND, trust(2, KEPT))
            assert wait_for(lambda: in_force(running) == (9, {KEPT.kid}), 10)
        finally:
            running.stop()

        # Offline (the post broker is down): the kept documents, not the files.
        broker.stop()
        running = build_ports(config)
        try:
            assert in_force(running) == (9, {KEPT.kid})
            assert not issuer_trusted(running, REVOKED)
            assert issuer_trusted(running, KEPT)
        finally:
            running.stop()

        # Online again, where an older center-signed trust list is offered: refused.
        broker.restart()
        running = build_ports(config)
        try:
            link: Any = running.ports.link
            assert link.link.link.wait_connected(10)
            assert link.link.docs_versions == {POLICY_KIND: 9, TRUST_KIND: 2}
            publish(broker.port, TRUST_KIND, trust(1, KEPT, REVOKED))
            publish(broker.port, POLICY_KIND, signed(POLICY_KIND, 10, DEFAULT_BODY))
            assert wait_for(lambda: in_force(running)[0] == 10, 10)
            assert in_force(running) == (10, {KEPT.kid})
            assert not issuer_trusted(running, REVOKED)
        finally:
            running.stop()


def test_the_kept_documents_are_private_and_a_forged_one_is_not_loaded(tmp_path: Path) -> None:
    with MosquittoBroker() as broker:
        broker.start()
        config = kiosk_config(tmp_path, broker.port)
        running = build_ports(config)
        try:
            publish(broker.port, TRUST_KIND, trust(2, KEPT))
            assert wait_for(lambda: in_force(running) == (3, {KEPT.kid}), 10)
        finally:
            running.stop()
    journal = tmp_path / "state" / "journal.sqlite"
    assert stat.S_IMODE((tmp_path / "state").stat().st_mode) == 0o700
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600
    # Someone with the file rewrites the kept list to bring the revoked issuer back.
    import sqlite3

    forged = sign_doc(TRUST_KIND, 5, utc_iso(NOW), trust_body([("x", REVOKED.public)]),
                      SigningKey.generate())
    with sqlite3.connect(journal) as db:
        db.execute("UPDATE docs SET version=5, envelope=? WHERE kind=?",
                   (json.dumps(forged), TRUST_KIND))
    running = build_ports(config.model_copy(update={"gateway": config.gateway.model_copy(
        update={"host": None})}))
    try:
        assert in_force(running) == (3, {KEPT.kid, REVOKED.kid})  # the files, not the forgery
    finally:
        running.stop()
    assert os.path.exists(journal)
