"""Signing and publishing the policy and the trust list as retained, versioned documents.

Versions only grow: the next one is above both what the broker retains and what this center
last published (its ledger file), so a broker that lost its retained store, or a second center
machine, never makes kiosks see an older version as news.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from center.files import private_folder, write_private
from infra import topics
from infra.config import BrokerConfig
from screening.event import utc_iso
from screening.keys import SigningKey, VerifyKey
from screening.policy import POLICY_KIND, parse_policy, policy_body
from screening.signed_doc import canonical, sign_doc
from screening.trust import (
    TRUST_KIND,
    certificate_listed_at,
    certificate_trust,
    issuer_keys,
    trust_body,
    with_certificates,
)

KINDS = (POLICY_KIND, TRUST_KIND)


class PublishProblem(ValueError):
    """A document that cannot be published; the message is bilingual and names the cause."""

    def __init__(self, vi: str, en: str, reason: str) -> None:
        self.reason = reason
        super().__init__(f"{vi} / {en} [{reason}]")


@dataclass(frozen=True)
class Published:
    """What was published: kind, version, topic and the envelope."""

    kind: str
    version: int
    topic: str
    envelope: dict[str, Any]


def policy_document(data: Any) -> dict[str, Any]:
    """A validated policy body from a file's JSON (a plain body; the version is not in it)."""
    if not isinstance(data, dict):
        raise PublishProblem("Chính sách phải là một đối tượng JSON",
                             "a policy must be a JSON object", "policy_invalid")
    try:
        return policy_body(parse_policy({k: v for k, v in data.items() if k != "version"}))
    except ValueError as exc:
        raise PublishProblem("Chính sách không hợp lệ", str(exc), "policy_invalid") from None


def trust_document(data: Any, base: Path) -> dict[str, Any]:
    """A validated trust-list body: entries give `public_key` (base64) or `public_key_file`."""
    entries = data.get("issuers") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise PublishProblem("Danh sách tin cậy cần mảng 'issuers' không rỗng",
                             "a trust list needs a non-empty 'issuers' array", "trust_invalid")
    pairs: list[tuple[str, VerifyKey]] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise PublishProblem("Mục tin cậy thiếu 'name'", f"issuers[{index}] needs a name",
                                 "trust_invalid")
        if "public_key_file" in entry:
            path = base / str(entry["public_key_file"])
            try:
                key = VerifyKey.from_pem(path.read_bytes())
            except (OSError, ValueError) as exc:
                raise PublishProblem("Không đọc được khoá", f"issuers[{index}]: {path}: {exc}",
                                     "trust_invalid") from None
            pairs.append((entry["name"], key))
            continue
        try:
            keys = issuer_keys({"issuers": [entry]})
        except ValueError as exc:
            raise PublishProblem("Khoá không hợp lệ", f"issuers[{index}]: {exc}",
                                 "trust_invalid") from None
        pairs.append((entry["name"], next(iter(keys.values()))))
    return _with_foreign_signers(trust_body(pairs), data)


def _with_foreign_signers(body: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    # DSCs and SMART issuer keys (`chot trust import`) ride in the same signed body.
    try:
        foreign = certificate_trust(data)
        listed_at = certificate_listed_at(data)
    except ValueError as exc:
        raise PublishProblem("Danh sách chứng nhận nước ngoài không hợp lệ", str(exc),
                             "trust_invalid") from None
    if not foreign.entries and not foreign.revocation.fetched_at:
        return body
    return with_certificates(body, list(foreign.entries), listed_at, foreign.revocation)


def next_version(*known: int | None) -> int:
    """One above the highest version known anywhere (1 for the first document)."""
    return max((v for v in known if v is not None), default=0) + 1


def sign_document(kind: str, body: dict[str, Any], version: int, key: SigningKey,
                  now: datetime) -> dict[str, Any]:
    """The signed envelope of a policy or trust-list body."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    return sign_doc(kind, version, utc_iso(now), body, key)


class Ledger:
    """The versions this center published, one JSON file per kind beside its store."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, kind: str) -> Path:
        return self.folder / f"published-{kind}.json"

    def last(self, kind: str) -> dict[str, Any] | None:
        """The last envelope of a kind published from here, or None."""
        try:
            data = json.loads(self._path(kind).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def record(self, envelope: dict[str, Any]) -> None:
        """Remember a published envelope (atomically replaced)."""
        private_folder(self.folder)
        write_private(self._path(str(envelope["kind"])), canonical(envelope))


def retained_version(cfg: BrokerConfig, topic: str, timeout_s: float = 5.0) -> int | None:
    """The version of the envelope retained on a topic, None when nothing is retained.

    Raises PublishProblem when the broker cannot be reached.
    """
    found: list[bytes] = []
    subscribed = threading.Event()
    client = _connected_client(cfg, "center-publish-read", timeout_s)
    client.on_message = lambda _c, _u, m: found.append(bytes(m.payload)) if m.retain else None
    client.on_subscribe = lambda *_a: subscribed.set()
    try:
        client.subscribe(topic, qos=1)
        subscribed.wait(timeout_s)
        # A broker sends retained messages right after the SUBACK; give them a moment.
        deadline = time.monotonic() + 0.3
        while not found and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        client.disconnect()
        client.loop_stop()
    if not found:
        return None
    try:
        version = json.loads(found[-1]).get("version")
    except (ValueError, AttributeError):
        return None
    return version if isinstance(version, int) and not isinstance(version, bool) else None


def publish_retained(cfg: BrokerConfig, topic: str, envelope: dict[str, Any],
                     timeout_s: float = 10.0) -> None:
    """Publish an envelope retained with QoS 1 and wait for the broker's PUBACK."""
    client = _connected_client(cfg, "center-publish", timeout_s)
    payload = json.dumps(envelope, ensure_ascii=False).encode()
    try:
        # The broker states its packet limit when it accepts us (MQTT 5 CONNACK); past it, it
        # would drop the connection and the document would silently never reach the posts.
        limit = client.user_data_get().get("max_packet") if client.user_data_get() else None
        if limit is not None and len(payload) + len(topic) + 16 > limit:
            raise PublishProblem(
                "Tài liệu lớn hơn giới hạn gói tin của máy chủ MQTT (bớt danh sách thu hồi "
                "hoặc nâng max_packet_size)",
                f"the document is {len(payload)} bytes, over the broker's max_packet_size "
                f"{limit}: trim the revocation lists or raise max_packet_size on every broker",
                "document_too_large")
        info = client.publish(topic, payload, qos=1, retain=True)
        info.wait_for_publish(timeout_s)
        if not info.is_published():
            raise PublishProblem("Máy chủ MQTT không xác nhận", "the broker did not confirm",
                                 "publish_unconfirmed")
    finally:
        client.disconnect()
        client.loop_stop()


def publish_document(cfg: BrokerConfig, prov: str, kind: str, body: dict[str, Any],
                     key: SigningKey, ledger: Ledger, now: datetime) -> Published:
    """Sign `body` with the next version and publish it retained on the kind's topic."""
    topic = topics.policy(prov) if kind == POLICY_KIND else topics.trust(prov)
    last = ledger.last(kind)
    version = next_version(retained_version(cfg, topic),
                           last.get("version") if last else None)
    envelope = sign_document(kind, body, version, key, now)
    publish_retained(cfg, topic, envelope)
    ledger.record(envelope)
    return Published(kind, version, topic, envelope)


def _connected_client(cfg: BrokerConfig, name: str, timeout_s: float) -> Any:
    import paho.mqtt.client as mqtt

    from infra.mqtt import failed, make_client

    # Never reuse the running center's client id: the broker would drop it for us.
    cfg = cfg.model_copy(update={"client_id": None})
    client = make_client(cfg, f"{name}-{time.monotonic_ns()}")
    up = threading.Event()
    refused: list[str] = []

    def connected(_c: Any, _u: Any, _f: Any, reason: Any, properties: Any) -> None:
        if failed(reason):
            refused.append(str(reason))
        limit = getattr(properties, "MaximumPacketSize", None)
        client.user_data_set({"max_packet": limit if isinstance(limit, int) else None})
        up.set()

    client.on_connect = connected
    try:
        client.connect(cfg.host, cfg.port, cfg.keepalive_s, clean_start=True)
    except (OSError, ValueError) as exc:
        raise PublishProblem("Không kết nối được máy chủ MQTT",
                             f"cannot reach the broker {cfg.host}:{cfg.port}: {exc}",
                             "broker_unreachable") from None
    client.loop_start()
    if not up.wait(timeout_s) or refused:
        client.loop_stop()
        raise PublishProblem("Máy chủ MQTT từ chối kết nối",
                             f"the broker refused or did not answer: {refused or 'timeout'}",
                             "broker_refused")
    assert isinstance(client, mqtt.Client)
    return client
