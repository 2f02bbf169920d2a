"""Nothing lost, nothing doubled: faults driven under continuous load, counted independently.

Every component runs as its own `chot` process against real mosquitto brokers; the gateway
reaches the center broker through the uplink proxy. At the end the center's SQLite file and
the kiosks' journals are read directly: every event any kiosk committed is stored exactly once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from infra import topics
from sim.broker import MosquittoBroker
from sim.uplink import Uplink
from tests.gateway.parts import (
    POST,
    PROV,
    ChotProcess,
    center_toml,
    count_rows,
    gateway_toml,
    ids_in,
    kiosk_toml,
    probe,
    wait_for,
)


def stored_events(tmp: Path) -> int:
    return int(count_rows(tmp / "center.db", "SELECT count(*) FROM events"))


def outbox_rows(tmp: Path) -> int:
    return int(count_rows(tmp / f"gateway-{POST}.db", "SELECT count(*) FROM outbox"))


def last_seq(tmp: Path, kiosk: str) -> int:
    return int(count_rows(tmp / f"journal-{kiosk}.db",
                          "SELECT value FROM meta WHERE key='last_seq'") or 0)


def assert_every_event_stored_exactly_once(tmp: Path, kiosks: list[str]) -> None:
    center_db = tmp / "center.db"
    stored = ids_in(center_db, "SELECT event_id FROM events")
    produced: list[str] = []
    for kiosk in kiosks:
        journal = tmp / f"journal-{kiosk}.db"
        ids = ids_in(journal, "SELECT event_id FROM events")
        recorded = last_seq(tmp, kiosk)
        assert len(ids) == recorded, f"{kiosk}: journal holds {len(ids)} of {recorded}"
        seqs = ids_in(center_db, f"SELECT seq FROM events WHERE kiosk='{kiosk}' ORDER BY seq")
        assert seqs == list(range(1, recorded + 1)), f"{kiosk}: sequence gaps or doubles"
        produced += ids
    assert len(stored) == len(set(stored)) == len(produced)
    assert set(stored) == set(produced)


def test_kills_broker_restarts_and_an_uplink_cut_under_load_lose_nothing(
        tmp_path: Path, mosquitto_factory: Callable[..., MosquittoBroker],
        chot_processes: Callable[..., ChotProcess]) -> None:
    post, center = mosquitto_factory(), mosquitto_factory()
    with Uplink("127.0.0.1", center.port) as uplink:
        chot_processes("center", "center", "--config", str(center_toml(tmp_path, center.port)),
                       "--headless")
        gateway_cfg = str(gateway_toml(tmp_path, post.port, uplink.port))
        gateway = chot_processes("gateway", "gateway", "--config", gateway_cfg)
        k1_cfg = str(kiosk_toml(tmp_path, "K1", post.port))
        k1 = chot_processes("k1", "sim", "load", "--config", k1_cfg, "--events", "2400",
                            "--rate", "80", "--wait", "120")
        k2 = chot_processes("k2", "sim", "load", "--config",
                            str(kiosk_toml(tmp_path, "K2", post.port)), "--events", "1800",
                            "--rate", "60", "--wait", "120")

        def flowing(more: int) -> None:
            target = stored_events(tmp_path) + more
            assert wait_for(lambda: stored_events(tmp_path) >= target, 45), \
                gateway.output()[-2000:]

        flowing(100)
        gateway.kill()                  # kill -9 no. 1
        gateway.start()
        flowing(100)
        post.restart(kill=True)         # broker restart no. 1: the post broker, kill -9
        flowing(100)
        gateway.kill()                  # kill -9 no. 2
        gateway.start()
        flowing(100)
        center.restart()                # broker restart no. 2: the provincial broker
        flowing(100)
        def holding(more: int) -> None:
            # The gateway keeps taking the kiosks' events into its outbox while cut off.
            target = outbox_rows(tmp_path) + more
            assert wait_for(lambda: outbox_rows(tmp_path) >= target, 45), \
                gateway.output()[-2000:]

        uplink.cut()                    # sustained uplink cut, load continues
        holding(100)
        k1.kill()                       # kill -9 of a kiosk mid-scan
        k1_seq = last_seq(tmp_path, "K1")
        k1_more = chot_processes("k1-after", "sim", "load", "--config", k1_cfg,
                                 "--events", "300", "--rate", "80", "--wait", "120")
        assert wait_for(lambda: last_seq(tmp_path, "K1") >= k1_seq + 50, 45), \
            k1_more.output()[-2000:]    # the replacement kiosk is recording
        gateway.kill()                  # kill -9 no. 3, while the uplink is down
        gateway.start()
        holding(100)                    # the restarted gateway takes events in, cut off
        held = stored_events(tmp_path)
        uplink.restore()
        flowing(100)
        assert held < stored_events(tmp_path)

        assert k2.wait(150) == 0, k2.output()[-2000:]
        assert k1_more.wait(150) == 0, k1_more.output()[-2000:]
        summary = json.loads(k2.output().strip().splitlines()[-1])
        assert summary["recorded"] == summary["acked"] == 1800
        assert_every_event_stored_exactly_once(tmp_path, ["K1", "K2"])
        assert wait_for(lambda: count_rows(tmp_path / f"gateway-{POST}.db",
                                           "SELECT count(*) FROM outbox") == 0, 10)
        assert uplink.stats.refused > 0  # the gateway really tried during the cut


def test_full_gateway_disk_holds_events_raises_an_alarm_and_recovers(
        tmp_path: Path, mosquitto_factory: Callable[..., MosquittoBroker],
        chot_processes: Callable[..., ChotProcess]) -> None:
    post, center = mosquitto_factory(), mosquitto_factory()
    watcher = probe(post.port, [topics.gateway_state(PROV, POST)])
    with Uplink("127.0.0.1", center.port) as uplink:
        chot_processes("center", "center", "--config", str(center_toml(tmp_path, center.port)),
                       "--headless")
        uplink.cut()
        gateway = chot_processes("gateway", "gateway", "--config", str(
            gateway_toml(tmp_path, post.port, uplink.port, max_size_mb=0.3)))
        kiosk = chot_processes("k1", "sim", "load", "--config",
                               str(kiosk_toml(tmp_path, "K1", post.port)),
                               "--events", "1200", "--rate", "150", "--wait", "150")

        def alarms() -> list[str]:
            state = watcher.last(topics.gateway_state(PROV, POST)) or {}
            return [a["code"] for a in state.get("alarms", [])]

        try:
            assert wait_for(lambda: "disk_full" in alarms(), 30), gateway.output()[-2000:]
            assert gateway.alive  # an alarm, not a crash
            uplink.restore()
            assert wait_for(lambda: "disk_full" not in alarms(), 30)
            assert kiosk.wait(180) == 0, kiosk.output()[-2000:]
            assert_every_event_stored_exactly_once(tmp_path, ["K1"])
        finally:
            watcher.close()
