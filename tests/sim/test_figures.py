"""The README's and the docs' benchmark tables are what sim.bench.figures writes from the
stored JSON results, so a figure cannot be edited by hand or disagree between two files."""

from __future__ import annotations

import json
from pathlib import Path

from sim.bench.figures import RENDERERS, ROOT, documents, main, render


def test_every_committed_table_equals_what_the_script_writes_from_the_stored_json() -> None:
    assert main(["--check"]) == 0, "run: python -m sim.bench.figures"


def test_every_renderer_has_a_block_and_its_stored_result_names_its_command() -> None:
    text = "".join(path.read_text("utf-8") for path in documents())
    for name, (source, _renderer) in RENDERERS.items():
        assert f"<!-- figures:{name} -->" in text, name
        stored = json.loads((ROOT / "docs" / "bench" / f"{source}.json").read_text("utf-8"))
        assert stored["command"].startswith("chot bench ")


def test_a_changed_result_rewrites_the_block_and_only_it(tmp_path: Path) -> None:
    stored = json.loads((ROOT / "docs" / "bench" / "kiosk.json").read_text("utf-8"))
    stored["result"]["verdict_p95_ms"] = 123.4
    (tmp_path / "kiosk.json").write_text(json.dumps(stored))
    text = "before\n<!-- figures:kiosk -->\nhand-edited 17.9 ms\n<!-- /figures:kiosk -->\nafter\n"
    new = render(text, tmp_path)
    assert "p95 123.4 ms" in new and "hand-edited" not in new
    assert new.startswith("before\n") and new.endswith("after\n")
    assert render(new, tmp_path) == new
