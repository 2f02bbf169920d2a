"""The center headless as a process, and a viewer that only watches the broker and store."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from center.alerts import Alert, AlertKind
from center.dashboard.run import snapshot_source, start_viewer
from center.queries import TodayCounts
from center.settings import load_center_config
from center.store import Store
from infra.polling import wait_until as wait_for

RUN_HEADLESS = ("import argparse, sys\n"
                "from chot.commands.center.run import run_center\n"
                "sys.exit(run_center(argparse.Namespace(config=sys.argv[1], headless=True, "
                "log_level='WARNING')))\n")



def publish(port: int, topic: str, payload: bytes, retain: bool = False) -> None:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.connect("127.0.0.1", port)
    client.loop_start()
    client.publish(topic, payload, qos=1, retain=retain).wait_for_publish(5)
    client.disconnect()
    client.loop_stop()


def test_headless_center_runs_until_sigterm_and_reports(mosquitto, center_config,
                                                        tmp_path: Path):
    config = center_config(mosquitto)
    proc = subprocess.Popen([sys.executable, "-c", RUN_HEADLESS, str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        started = json.loads(proc.stdout.readline())
        assert started["status"] == "running" and started["report_at"] == "16:00"
        cfg, _sections = load_center_config(config)

        def quarantined() -> bool:
            # Until the center has subscribed a message is not for it: send until one lands.
            publish(mosquitto.port, "chot/v1/11/kiosk/p/k/events", b"not json")
            time.sleep(0.3)  # pacing the resends; the wait is wait_for's, on the row itself
            with sqlite3.connect(f"file:{cfg.store.path}?mode=ro", uri=True) as db:
                return bool(db.execute("SELECT count(*) FROM quarantine").fetchone()[0])

        assert wait_for(quarantined, timeout=30)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    stopped = json.loads(out.splitlines()[-1])
    assert proc.returncode == 0, err
    assert stopped["status"] == "stopped" and stopped["quarantined"] >= 1
    assert stopped["stored_total"] == 0
    assert stopped["alerts"] == {"quarantined": 1}  # the repeats are throttled


def test_a_viewer_sees_posts_and_every_instances_alerts_once(mosquitto, center_config):
    cfg, sections = load_center_config(center_config(mosquitto))
    Store(cfg.store.path).close()
    publish(mosquitto.port, "chot/v1/11/gateway/tay-trang/state",
            json.dumps({"schema": 1, "status": "offline", "post": "tay-trang",
                        "reason": "connection_lost"}).encode(), retain=True)
    watch, live = start_viewer(cfg, sections)
    counts = TodayCounts(cfg.store.path)
    try:
        assert wait_for(lambda: "tay-trang" in watch.monitor.gateways)
        alert = Alert(AlertKind.FEVER, datetime.now(UTC), "tay-trang", "k1",
                      "01JD0000000000000000000000", "38.6 °C",
                      alert_id="01JD0000000000000000000001")
        for _ in range(2):  # e.g. a redelivery: shown once
            publish(mosquitto.port, "chot/v1/11/alerts", json.dumps(alert.to_json()).encode())
        publish(mosquitto.port, "chot/v1/11/alerts", b'{"schema": 1, "kind": "fever"}')
        assert wait_for(lambda: any(a.kind is AlertKind.FEVER for a in watch.alerts()))
        # The viewer takes its messages in order: once a later one is in, so are the repeat
        # and the malformed alert (a post named to sort last, after the one asserted on).
        publish(mosquitto.port, "chot/v1/11/gateway/zz-marker/state",
                json.dumps({"schema": 1, "status": "offline", "post": "zz-marker",
                            "reason": "connection_lost"}).encode())
        assert wait_for(lambda: "zz-marker" in watch.monitor.gateways)
        snapshot = snapshot_source(watch, counts)()
    finally:
        live.stop()
        counts.close()
    # Only what the ingesting instances raised: a viewer raising its own would show it twice.
    assert [a.kind for a in snapshot.alerts] == [AlertKind.FEVER]
    assert snapshot.posts[0].post == "tay-trang" and snapshot.posts[0].online is False
    assert sum(snapshot.totals.values()) == 0


RUN_SERVE = ("import argparse, sys\n"
             "from chot.commands.center.run import run_center\n"
             "sys.exit(run_center(argparse.Namespace(config=sys.argv[1], serve=True, "
             "host='127.0.0.1', port=int(sys.argv[2]))))\n")


def test_serve_offers_the_dashboard_to_a_browser(mosquitto, center_config):
    import urllib.request

    from sim.broker import free_port

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", RUN_SERVE, str(center_config(mosquitto)),
                             str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        def page_served() -> str:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as reply:
                    return str(reply.read().decode("utf-8", "replace"))
            except OSError:
                return ""

        wait_for(page_served, 20, step=0.2)
        page = page_served()
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
    assert "chốt — trung tâm tỉnh" in page  # the title textual-serve was given
    assert f"127.0.0.1:{port}/ws" in page  # where the browser connects to a viewer


def test_the_dashboard_without_a_terminal_says_what_to_use_instead(center_config, capsys):
    import argparse

    from chot.commands.center.run import run_center

    code = run_center(argparse.Namespace(config=str(center_config()), headless=False))
    answer = json.loads(capsys.readouterr().out)
    assert code == 2 and answer["reason"] == "no_terminal" and "--headless" in answer["error"]
