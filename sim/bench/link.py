"""`chot bench link`: the broker links under steady load over the shipped TLS listeners.

Both brokers run deploy/mosquitto's configs on loopback (a throwaway CA, the logins `chot
broker access` generates); the center's ingest uses the center broker's local listener, the
gateway the post broker's local one and the center broker's TLS listener, and the kiosk links
the post broker's TLS listener, as deployed. Each kiosk records events at a steady rate for
the whole run, so publishes, acks and their PUBACKs cross every link in both directions at
once: the load under which a link written from two threads breaks its TLS records. Counted:

- protocol_errors: lines of each broker's log saying a TLS record or an MQTT packet arrived
  broken ("bad record mac", "decryption failed", "protocol error", "out of memory");
- reconnects: how often a link of the center, the gateway or a kiosk lost its broker;
- events, stored, lost: recorded by the kiosks, held by the center when the run has drained.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from center.broker_access import center_access, post_access
from center.config import CenterConfig, IngestConfig, StoreConfig
from center.ingest import CenterIngest
from center.registry import Registry
from center.store import Store
from gateway.config import GatewayConfig, OutboxConfig
from gateway.relay import Gateway
from infra.config import BrokerConfig, TlsConfig
from infra.mqtt import BrokerLink
from kiosk_ui.journal import Journal
from kiosk_ui.kiosk_link import KioskLink
from kiosk_ui.link_config import JournalConfig, KioskLinkConfig
from sim.broker import MosquittoBroker
from sim.load import run_load
from sim.shipped_brokers import ShippedBroker, make_tls, password

PROV, POST, CENTER = "01", "P01", "center-1"
BROKEN = re.compile(r"bad record mac|decryption failed|protocol error|out of memory", re.I)
DRAIN_S = 60.0


@dataclass
class LinkSoak:
    """The figures `chot bench link` prints."""

    seconds: float
    kiosks: int
    rate_per_kiosk: float
    events: int = 0
    stored: int = 0
    protocol_errors: dict[str, int] = field(default_factory=dict)
    reconnects: dict[str, int] = field(default_factory=dict)
    error_lines: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """No broken record or packet, no reconnect, nothing lost."""
        return (not any(self.protocol_errors.values()) and not any(self.reconnects.values())
                and self.stored >= self.events)

    def to_json(self) -> dict[str, Any]:
        """The last-line JSON object."""
        return {"seconds": self.seconds, "kiosks": self.kiosks,
                "rate_per_kiosk": self.rate_per_kiosk, "events": self.events,
                "stored": self.stored, "lost": max(0, self.events - self.stored),
                "protocol_errors": self.protocol_errors,
                "protocol_errors_total": sum(self.protocol_errors.values()),
                "reconnects": self.reconnects, "reconnects_total": sum(self.reconnects.values()),
                "error_lines": self.error_lines[:10], "clean": self.clean}


def registry(kiosks: int) -> Registry:
    """One post with `kiosks` kiosks, one center instance."""
    return Registry.model_validate({
        "province": PROV, "centers": [CENTER],
        "post": [{"code": POST, "kiosks": [f"K{n}" for n in range(1, kiosks + 1)]}]})


def broker(port: int, username: str, tls: TlsConfig | None = None) -> BrokerConfig:
    """A broker section with the generated login and quick reconnects (a soak counts them)."""
    return BrokerConfig(host="127.0.0.1", port=port, username=username,
                        password=password(username), tls=tls, keepalive_s=10,
                        reconnect_min_s=0.2, reconnect_max_s=2.0)


def run_link_soak(seconds: float, kiosks: int = 4, rate: float = 50.0,
                  keep: Path | None = None) -> LinkSoak:
    """Run the whole chain over TLS for `seconds` at `rate` events/s per kiosk; count faults."""
    work = keep or Path(tempfile.mkdtemp(prefix="chot-bench-link-"))
    work.mkdir(parents=True, exist_ok=True)
    result = LinkSoak(seconds, kiosks, rate)
    brokers: list[MosquittoBroker] = []
    started: list[Any] = []
    journals: list[Journal] = []
    store: Store | None = None
    try:
        files = make_tls(work / "tls")
        ca = TlsConfig(ca_file=files.ca_file)
        reg = registry(kiosks)
        shipped = {"center": ShippedBroker("center", work, files),
                   "post": ShippedBroker("post", work, files)}
        for name, access in (("center", center_access(reg)), ("post", post_access(reg, POST))):
            brokers.append(shipped[name].start(
                lambda **options: MosquittoBroker(**options).start(), access))
        store = Store(work / "center.db")
        ingest = CenterIngest(CenterConfig(
            province=PROV, instance=CENTER, store=StoreConfig(path=work / "center.db"),
            broker=broker(shipped["center"].port, CENTER),
            ingest=IngestConfig(post_share_per_s=0)), store)
        ingest.start()
        started.append(ingest)
        gateway = Gateway(GatewayConfig(
            province=PROV, post=POST, outbox=OutboxConfig(path=work / "gateway.db"),
            post_broker=broker(shipped["post"].port, "gateway"),
            center_broker=broker(shipped["center"].tls_port, POST, ca)), [])
        gateway.start()
        started.append(gateway)
        links: list[KioskLink] = []
        for n in range(1, kiosks + 1):
            kiosk = f"K{n}"
            journal = Journal(work / f"{kiosk}.db", POST, kiosk)
            journals.append(journal)
            link = KioskLink(KioskLinkConfig(
                province=PROV, post=POST, kiosk=kiosk,
                journal=JournalConfig(path=work / f"{kiosk}.db"),
                broker=broker(shipped["post"].tls_port, kiosk, ca)), journal)
            link.start()
            started.append(link)
            links.append(link)
        named: dict[str, BrokerLink] = {"center": ingest.link, "gateway-post": gateway.post_link,
                                        "gateway-center": gateway.center_link}
        named.update({f"kiosk-{link.kiosk}": link.link for link in links})
        deadline = time.monotonic() + 20
        while not all(link.connected for link in named.values()):
            if time.monotonic() > deadline:
                down = [name for name, link in named.items() if not link.connected]
                raise RuntimeError(f"links not up: {down}")
            time.sleep(0.1)
        before = {name: link.stats.disconnects for name, link in named.items()}
        counts = [0] * kiosks
        each = max(1, int(seconds * rate))

        def load(index: int) -> None:
            counts[index] = run_load(journals[index], each, rate)

        threads = [threading.Thread(target=load, args=(i,), daemon=True) for i in range(kiosks)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(seconds + 120)
        result.events = sum(counts)
        deadline = time.monotonic() + DRAIN_S
        while store.count_events() < result.events and time.monotonic() < deadline:
            time.sleep(0.2)
        result.stored = store.count_events()
        result.reconnects = {name: link.stats.disconnects - before[name]
                             for name, link in named.items()}
    finally:
        for part in reversed(started):
            part.stop()
        for journal in journals:
            journal.close()
        if store is not None:
            store.close()
        for running in brokers:
            running.stop()
    for name, running in zip(("center", "post"), brokers, strict=False):
        lines = [line for line in _log_lines(running.log_path) if BROKEN.search(line)]
        result.protocol_errors[name] = len(lines)
        result.error_lines += [f"{name}: {line}" for line in lines[:5]]
    if keep is None:
        shutil.rmtree(work, ignore_errors=True)
    return result


def _log_lines(path: Path) -> list[str]:
    try:
        return path.read_text(errors="replace").splitlines()
    except OSError:
        return []
