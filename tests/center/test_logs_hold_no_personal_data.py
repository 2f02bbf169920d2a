"""Logs name event ids and reason codes, never travellers' names, ID numbers or phones.

A kiosk login floods refused events carrying marked personal data through a real gateway to a
real center, both logging at DEBUG; every line either wrote is then searched for the marks.
"""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path
from typing import Any

from chot.logs import PrivateTracebacks
from tests.gateway.parts import (
    POST,
    PROV,
    ChotProcess,
    broker_toml,
    count_rows,
    gateway_toml,
    probe,
    wait_for,
)

KIOSK = "k1"
NAME, ID_NUMBER, PHONE = "Nguyễn Văn Zzmarkname", "079912345678", "0912345678"
MARKS = ("zzmarkname", ID_NUMBER, PHONE, "Nguyễn Văn")


def marked(event: dict[str, Any], number: int) -> dict[str, Any]:
    """The event as this kiosk's, its identity the marked traveller's."""
    identity = {**(event.get("identity") or {}), "name": NAME, "id_number": ID_NUMBER,
                "phone": PHONE}
    return {**event, "post": POST, "kiosk": KIOSK, "seq": number, "identity": identity,
            "event_id": event["event_id"][:-4] + f"{number:04d}"}


def refused_events(traffic: list[dict[str, Any]]) -> list[bytes]:
    """Events each refused for another reason, by the gateway or by the center."""
    base = next(e for e in traffic if e["type"] == "scan" and e.get("identity"))
    who = {"name": NAME, "id_number": ID_NUMBER, "phone": PHONE}
    changes: list[dict[str, Any]] = [
        {"outcome": "waved_through"},                                # center: schema
        {"identity": {**who, "name": NAME * 40}},                    # center: too long
        {"identity": {**who, "id_number": f"ID{ID_NUMBER}"}},         # center: bad ID number
        {"phone": PHONE, "extra": NAME},                             # center: unknown field
        {"post": f"other-{NAME}"},                                   # gateway: topic mismatch
        {"seq": ID_NUMBER},                                          # gateway: bad seq
        {"schema": [NAME, ID_NUMBER]},                               # gateway: wrong schema
        {"event_id": f"{ID_NUMBER}{PHONE}"},                         # gateway: bad event id
        {"at": f"{PHONE} {NAME}"},                                   # gateway: bad time
    ]
    payloads = [json.dumps({**marked(base, number), **change}, ensure_ascii=False).encode()
                for number, change in enumerate(changes, 1)]
    return [*payloads, f'{{"name": "{NAME}", "id_number": {ID_NUMBER}, '.encode(),
            NAME.encode() + b"\xff" + PHONE.encode()]


def test_refused_events_leave_no_name_id_number_or_phone_in_any_log(mosquitto_factory,
                                                                    tmp_path: Path, traffic):
    post_broker, center_broker = mosquitto_factory(), mosquitto_factory()
    config = tmp_path / "center.toml"
    config.write_text(f'province = "{PROV}"\nlearn_kiosks = true\n'
                      f'[store]\npath = "{tmp_path / "center.db"}"\n'
                      + broker_toml("broker", center_broker.port), "utf-8")
    center = ChotProcess(tmp_path, "center", "center", "--config", str(config), "--headless",
                         "--log-level", "DEBUG").start()
    gateway = ChotProcess(tmp_path, "gateway", "gateway", "--config",
                          str(gateway_toml(tmp_path, post_broker.port, center_broker.port)),
                          "--log-level", "DEBUG").start()
    kiosk = probe(post_broker.port, client_id=f"{POST}-{KIOSK}")
    try:
        assert wait_for(lambda: "running" in center.output() and "running" in gateway.output(),
                        30)
        refused = refused_events(traffic)
        for _round in range(5):  # a flood, not one of each
            for payload in refused:
                kiosk.publish_and_wait(f"chot/v1/{PROV}/kiosk/{POST}/{KIOSK}/events", payload)
        assert wait_for(lambda: count_rows(tmp_path / "center.db",
                                           "SELECT count(*) FROM quarantine") >= 4, 30)
        assert wait_for(lambda: "malformed" in gateway.output(), 10)
    finally:
        kiosk.close()
        center.terminate()
        gateway.terminate()
    logs = {"center": center.output(), "gateway": gateway.output()}
    assert "quarantined" in logs["center"]  # the refusals were logged, by event id and reason
    for name, text in logs.items():
        lowered = text.lower()
        leaks = [mark for mark in MARKS if mark.lower() in lowered]
        assert not leaks, f"{name} log holds {leaks}:\n{text[-3000:]}"


def test_a_traceback_in_the_log_keeps_its_frames_and_types_not_the_data_it_quotes():
    def read_phone(event: dict[str, Any]) -> int:
        try:
            return int(event["phone"])
        except ValueError as exc:
            raise KeyError(f"no usable phone for {event['name']}") from exc

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(PrivateTracebacks("%(name)s %(message)s"))
    log = logging.getLogger("tests.private-tracebacks")
    log.addHandler(handler)
    try:
        read_phone({"phone": f"{PHONE}x", "name": NAME})
    except KeyError:
        log.exception("center ingest: checking event %s failed", "01KZ")
    finally:
        log.removeHandler(handler)
    text = stream.getvalue()
    assert "checking event 01KZ failed" in text and "read_phone" in text
    assert "builtins.ValueError" in text and "builtins.KeyError" in text
    assert not [mark for mark in MARKS if mark.lower() in text.lower()], text
