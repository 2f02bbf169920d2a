"""Write the stores of a previous release, for test_schema_versions (run once, by hand).

It runs that release's own code, so the files are what deployed kiosks, gateways and centers
hold:  git archive <release> | tar -x -C /tmp/old  and then
PYTHONPATH=/tmp/old python tests/stores/make_release_files.py tests/stores/release_files
The files here were written so from commit 8f8d7f9 (before schema versions were kept).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from gateway.journal import Journal  # type: ignore[import-not-found, unused-ignore]

# Imported from the old tree given in PYTHONPATH: the modules had these names then.
from center.store import Store  # type: ignore[import-not-found, unused-ignore]
from gateway.outbox import Incoming, Outbox  # type: ignore[import-not-found, unused-ignore]
from sim.load import sample_makers  # type: ignore[import-not-found, unused-ignore]

POLICY = {"kind": "policy", "version": 3, "body": "chính sách / policy", "sig": "x"}
TRUST = {"kind": "trust", "version": 2, "body": "danh sách / list", "sig": "y"}


def main(out: Path) -> None:
    """Write journal.sqlite, outbox.sqlite, center.sqlite and what they hold (held.json)."""
    out.mkdir(parents=True, exist_ok=True)
    journal = Journal(out / "journal.sqlite", "P01", "K1")
    makers = sample_makers()
    events = journal.record_many([makers[i % len(makers)] for i in range(6)])
    ids = [event["event_id"] for event in events]
    journal.ack(ids[:2])
    journal.put_doc("policy", 3, POLICY)
    journal.close()
    topic = "chot/v1/01/kiosk/P01/K1/events"
    outbox = Outbox(out / "outbox.sqlite")
    outbox.add([Incoming(event["event_id"], "K1", topic,
                         json.dumps(event, ensure_ascii=False).encode()) for event in events])
    outbox.ack(ids[:1])
    outbox.put_doc("trust", 2, TRUST)
    outbox.close()
    store = Store(out / "center.sqlite")
    store.add_events(events)
    store.close()
    held = {"event_ids": ids, "journal_acked": ids[:2], "outbox_acked": ids[:1],
            "policy": POLICY, "trust": TRUST, "events": events}
    (out / "held.json").write_text(json.dumps(held, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
