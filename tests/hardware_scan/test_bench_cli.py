"""`chot bench gen-corpus` and `chot bench decode` as a script would run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import segno


def chot(*args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "chot", *args], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def last_json(proc: subprocess.CompletedProcess[str]) -> dict:
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_generated_corpus_is_benchmarked_with_baselines(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    made = chot("bench", "gen-corpus", str(corpus), "--frames", "4", "--vietnamese", "3")
    assert made.returncode == 0, made.stderr
    assert last_json(made)["written"] == {"camera-720p": 4, "vietnamese": 3}
    assert (corpus / "vietnamese" / "vi-0000.metadata.txt").is_file()
    # Bad input beside good: a corrupt image, an image without answer, a wrong answer.
    (corpus / "bad").mkdir()
    (corpus / "bad" / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    (corpus / "bad" / "corrupt.txt").write_text("x", encoding="utf-8")
    segno.make_qr("THE REAL TEXT").save(str(corpus / "bad" / "lying.png"), scale=6)
    (corpus / "bad" / "lying.txt").write_text("SOMETHING ELSE\r\n", encoding="utf-8")
    segno.make_qr("NO ANSWER").save(str(corpus / "bad" / "unanswered.png"), scale=6)
    segno.make_qr("Dòng 1\nDòng 2".encode()).save(str(corpus / "bad" / "crlf.png"), scale=6)
    (corpus / "bad" / "crlf.txt").write_bytes("Dòng 1\r\nDòng 2".encode())

    proc = chot("bench", "decode", str(corpus), "--baseline")
    assert proc.returncode == 0, proc.stderr
    report = last_json(proc)
    assert report["engine"] == "auto"
    assert report["total"] == 10
    assert report["images_without_answer"] == 1
    assert report["unreadable_images"] == 1
    assert report["folders"]["bad"] == {**report["folders"]["bad"], "total": 3, "ok": 1,
                                        "wrong": 1, "missed": 1}
    assert report["folders"]["vietnamese"]["ok"] == 3
    assert report["ok"] + report["wrong"] + report["missed"] == report["total"]
    for key in ("median_ms", "p95_ms"):
        assert report[key] > 0
    assert set(report["baselines"]) == {"zbar", "zxing", "zbar-as-shipped", "zxing-as-shipped"}
    assert "ok_ratio" in report["ratios"]["zxing"]
    assert "engine" in proc.stdout.splitlines()[0]  # the human table comes first

    only_json = chot("bench", "decode", str(corpus / "vietnamese"), "--engine", "zbar", "--json")
    assert len(only_json.stdout.strip().splitlines()) == 1
    assert last_json(only_json)["ok"] == 3


def test_missing_or_empty_corpus_is_a_clear_error(tmp_path: Path) -> None:
    missing = chot("bench", "decode", str(tmp_path / "nope"))
    assert missing.returncode == 2
    assert "corpus folder not found" in missing.stderr and "Không thấy" in missing.stderr
    assert last_json(missing)["error"] == "corpus_not_found"
    empty = chot("bench", "decode", str(tmp_path))
    assert empty.returncode == 2
    assert last_json(empty)["error"] == "corpus_empty"
