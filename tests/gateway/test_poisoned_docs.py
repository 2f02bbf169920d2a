"""Hostile documents and failures inside the links: one bad message costs only itself.

A login on either broker can publish a retained policy or trust document that cannot even be
checked (a lone surrogate in a signed field, JSON nested beyond Python's recursion limit).
The kiosk link and the gateway must reject it and keep delivering; an unexpected failure of
their loop restarts it and raises the `internal_error` alarm instead of ending the thread.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from infra import topics
from kiosk_ui.device_words import device_detail
from kiosk_ui.devices import BrokerLinkPort
from screening.keys import SigningKey
from screening.policy import POLICY_KIND
from screening.signed_doc import sign_doc
from sim.load import run_load
from tests.gateway.parts import POST, PROV, count_rows, open_kiosk, probe, wait_for

DEEP = b"[" * 100_000 + b"]" * 100_000


def poisoned_policy(center_key: SigningKey) -> bytes:
    """The right kid, a lone surrogate as issue time (a JSON escape) and a bogus signature."""
    envelope = sign_doc(POLICY_KIND, 5, "ISSUED", {"v": 5}, center_key)
    envelope["signature"] = base64.b64encode(bytes(64)).decode()
    return json.dumps(envelope).replace('"ISSUED"', '"\\udfff"').encode()


def good_policy(center_key: SigningKey, version: int) -> bytes:
    return json.dumps(sign_doc(POLICY_KIND, version, "2026-11-22T00:00:00Z", {"v": version},
                               center_key)).encode()


def delivered_and_acked(site: dict[str, Any], tmp: Path, journal: Any, total: int) -> bool:
    db = tmp / "center.db"
    return wait_for(lambda: site["store"].count_events() == total, 20) \
        and wait_for(lambda: journal.counts()["pending"] == 0, 15) \
        and count_rows(db, "SELECT count(DISTINCT event_id) FROM events") == total


def test_poisoned_documents_on_either_broker_do_not_stop_delivery(
        site: dict[str, Any], tmp_path: Path, center_key: SigningKey) -> None:
    journal, link = open_kiosk(site, tmp_path, "K1", center_keys=[center_key.public])
    assert link.sending.wait(10)
    gateway = site["gateway"]
    on_post, on_center = probe(site["post"].port), probe(site["center"].port)
    try:
        # As a kiosk or gateway login on the post broker, and as a center login upstream.
        for sender in (on_post, on_center):
            sender.publish_and_wait(topics.policy(PROV), poisoned_policy(center_key),
                                    retain=True)
            sender.publish_and_wait(topics.trust(PROV), DEEP, retain=True)
        on_post.publish_and_wait(topics.kiosk_acks(PROV, POST, "K1"), DEEP)
        assert wait_for(lambda: link.counters["docs_rejected"] >= 2, 10), link.counters
        assert wait_for(lambda: gateway.counters.docs_rejected >= 2, 10)

        run_load(journal, 40, rate=0)
        assert delivered_and_acked(site, tmp_path, journal, 40)
        # A good document still gets through, end to end.
        on_center.publish_and_wait(topics.policy(PROV), good_policy(center_key, 6), retain=True)
        assert wait_for(lambda: link.docs_versions.get(POLICY_KIND) == 6, 10)
        for alarms in (link.alarms.codes(), gateway.alarms.codes()):
            assert "internal_error" not in alarms
        assert link._thread.is_alive()
    finally:
        on_post.close()
        on_center.close()


def fail_once(target: Any, name: str) -> list[str]:
    """Make target.name raise once (an unexpected bug), then behave; returns the calls."""
    original, calls = getattr(target, name), []

    def failing(*args: Any) -> Any:
        calls.append(name)
        if len(calls) == 1:
            raise RuntimeError("injected failure")
        return original(*args)

    setattr(target, name, failing)
    return calls


def test_an_unexpected_failure_restarts_the_kiosk_link_and_raises_an_alarm(
        site: dict[str, Any], tmp_path: Path, center_key: SigningKey) -> None:
    journal, link = open_kiosk(site, tmp_path, "K1", center_keys=[center_key.public])
    assert link.sending.wait(10)
    run_load(journal, 10, rate=0)
    assert delivered_and_acked(site, tmp_path, journal, 10)
    assert BrokerLinkPort(link).health().state == "ok"

    calls = fail_once(link, "_message")
    watcher = probe(site["post"].port, [topics.kiosk_state(PROV, POST, "K1")])
    try:
        watcher.publish_and_wait(topics.kiosk_acks(PROV, POST, "K1"),
                                 b'{"schema": 1, "event_ids": []}')
        assert wait_for(lambda: calls, 5)
        run_load(journal, 30, rate=0)
        assert delivered_and_acked(site, tmp_path, journal, 40)
        assert link._thread.is_alive()
        assert "internal_error" in link.alarms.codes()
        # Staff see it on the status line, the center in the kiosk's retained state.
        health = BrokerLinkPort(link).health()
        # (the port names the alarm; the status line words it in the staff's language)
        assert health.state == "down" and "internal error" in device_detail(health.detail, "en")
        assert wait_for(lambda: "internal_error" in [
            a["code"] for a in (watcher.last(topics.kiosk_state(PROV, POST, "K1")) or {})
            .get("alarms", [])], 5)
    finally:
        watcher.close()


def test_an_unexpected_failure_restarts_the_gateway_worker_and_raises_an_alarm(
        site: dict[str, Any], tmp_path: Path, center_key: SigningKey) -> None:
    journal, _link = open_kiosk(site, tmp_path, "K1", center_keys=[center_key.public])
    gateway = site["gateway"]
    calls = fail_once(gateway, "_commit")
    run_load(journal, 30, rate=0)
    assert wait_for(lambda: calls, 10)
    assert delivered_and_acked(site, tmp_path, journal, 30)
    assert gateway._thread.is_alive()
    assert "internal_error" in gateway.alarms.codes()
