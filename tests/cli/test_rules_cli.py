"""`chot rules import|eval|test`: an integrator's entry rules, from files to a policy body."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import load_der_x509_certificate

from screening.entry_rules import RULE_IDS
from screening.policy import parse_policy
from tests.certificates.vectors import make_signer, vaccination

RULES = Path(__file__).resolve().parents[2] / "screening" / "entry_rules"


def chot(*args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "chot", "rules", *args], capture_output=True,
                          text=True, timeout=60, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def last_json(proc: subprocess.CompletedProcess[str]) -> dict:
    return json.loads(proc.stdout.strip().splitlines()[-1])


def write(path: Path, body) -> str:
    path.write_text(json.dumps(body, ensure_ascii=False), "utf-8")
    return str(path)


def test_eval_prints_the_raw_certlogic_value(tmp_path):
    data = write(tmp_path / "data.json", {
        "payload": {"ver": "1.3.0", "t": [{"sc": "2022-05-29T15:00:00+07:00"}]},
        "external": {"validationClock": "2022-06-01T08:00:00Z", "valueSets": {},
                     "countryCode": "VN", "exp": None, "iat": None}})
    proc = chot("eval", str(RULES / "TR-VN-0002.json"), data, "--json")
    assert proc.returncode == 0 and proc.stdout.strip() == '{"result": true}'
    plus = write(tmp_path / "plus.json", {"plusTime": [{"var": "payload.t.0.sc"}, 1, "day"]})
    assert last_json(chot("eval", plus, data, "--json")) == {
        "result": "2022-05-30T08:00:00.000Z"}
    broken = write(tmp_path / "broken.json", {"<": [{"var": "payload.t.0.sc"}, 1]})
    answer = last_json(chot("eval", broken, data, "--json"))
    assert answer["result"] is None and "integers" in answer["error"]


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_test_runs_vietnams_cases_one_line_each_in_order(rule_id):
    cases = json.loads((RULES / "cases" / f"{rule_id}.json").read_text("utf-8"))
    proc = chot("test", str(RULES / f"{rule_id}.json"), str(RULES / "cases" / f"{rule_id}.json"),
                "--json")
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert proc.returncode == 0
    assert [(line["case"], line["name"]) for line in lines] == [
        (n, case["name"]) for n, case in enumerate(cases, start=1)]
    assert all(line["passed"] and line["expected"] == case["expected"]
               for line, case in zip(lines, cases, strict=True))
    assert set(lines[0]) >= {"case", "name", "result", "expected", "passed"}


def test_a_failing_case_is_reported_and_sets_the_exit_code(tmp_path):
    wrong = write(tmp_path / "wrong.json", {
        "name": "a positive test expected to pass", "expected": True,
        "payload": {"ver": "1.3.0", "t": [{"tr": "260373001"}]}, "external": {}})
    good = write(tmp_path / "good.json", [{
        "name": "negative", "expected": True,
        "payload": {"ver": "1.3.0", "t": [{"tr": "260415000"}]}, "external": {}}])
    proc = chot("test", str(RULES / "TR-VN-0001.json"), good, wrong, "--json")
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert proc.returncode == 1
    assert [(line["case"], line["result"], line["passed"]) for line in lines] == [
        (1, True, True), (2, False, False)]


def test_import_adds_rules_and_replaces_the_same_version(tmp_path):
    rule = json.loads((RULES / "VR-VN-0001.json").read_text("utf-8"))
    newer = {**rule, "Version": "1.1.0", "Logic": True}
    eu_style = write(tmp_path / "rules.json", [newer, {**rule, "Identifier": "GR-VN-0001",
                                                      "CertificateType": "General"}])
    out = tmp_path / "policy.json"
    proc = chot("import", eu_style, "--out", str(out))
    assert proc.returncode == 0, proc.stdout
    assert last_json(proc) == {"out": str(out), "imported": 2, "replaced": 0,
                               "certificate_rules": len(RULE_IDS) + 2, "value_sets": []}
    policy = parse_policy(json.loads(out.read_text("utf-8")))
    again = chot("import", eu_style, "--into", str(out), "--out", str(out))
    assert last_json(again)["replaced"] == 2
    assert len(parse_policy(json.loads(out.read_text("utf-8"))).certificate_rules) == len(
        policy.certificate_rules)


def test_import_brings_eu_value_sets_that_rules_read(tmp_path):
    value_set = write(tmp_path / "vs.json", {
        "valueSetId": "vaccines-covid-19-names", "valueSetDate": "2022-05-01",
        "valueSetValues": {"EU/1/20/1528": {"display": "Comirnaty", "active": True},
                           "EU/1/20/1507": {"display": "Spikevax", "active": True}}})
    rule = json.loads((RULES / "VR-VN-0001.json").read_text("utf-8"))
    approved = write(tmp_path / "rule.json", {
        **rule, "Identifier": "VR-VN-0003", "AffectedFields": ["v.0.mp"],
        "Logic": {"in": [{"var": "payload.v.0.mp"},
                         {"var": "external.valueSets.vaccines-covid-19-names"}]}})
    out = tmp_path / "policy.json"
    proc = chot("import", approved, value_set, "--out", str(out))
    assert last_json(proc)["value_sets"] == ["vaccines-covid-19-names"]
    policy = parse_policy(json.loads(out.read_text("utf-8")))
    assert policy.certificate_value_sets["vaccines-covid-19-names"] == [
        "EU/1/20/1507", "EU/1/20/1528"]
    data = write(tmp_path / "data.json", {
        "payload": {"ver": "1.3.0", "v": [{"mp": "EU/1/20/1528"}]},
        "external": {"valueSets": policy.certificate_value_sets}})
    assert last_json(chot("eval", approved, data, "--json")) == {"result": True}
    broken = write(tmp_path / "broken.json", {"valueSetId": "x", "valueSetValues": []})
    assert last_json(chot("import", broken, "--out", str(out)))["reason"] == "value_set_invalid"


@pytest.mark.parametrize(("args", "reason"), [
    (["import", "{rule_bad}", "--out", "{out}"], "rule_invalid"),
    (["import", "{missing}", "--out", "{out}"], "file_invalid"),
    (["import", "{garbage}", "--out", "{out}"], "file_invalid"),
    (["import", "{rule}", "--into", "{rule}", "--out", "{out}"], "policy_invalid"),
    (["eval", "{rule}", "{garbage}"], "file_invalid"),
    (["eval", "{rule}", "{rule}"], "data_invalid"),
    (["test", "{rule}", "{rule}"], "case_invalid"),
    (["test", "{rule}", "{missing}"], "file_invalid"),
])
def test_bad_input_gets_a_bilingual_answer_and_a_reason(tmp_path, args, reason):
    rule = json.loads((RULES / "VR-VN-0001.json").read_text("utf-8"))
    paths = {"rule": str(RULES / "VR-VN-0001.json"), "out": str(tmp_path / "out.json"),
             "missing": str(tmp_path / "missing.json"),
             "garbage": str(tmp_path / "garbage.json"),
             "rule_bad": write(tmp_path / "bad.json", {**rule, "Logic": {"or": [True]}})}
    (tmp_path / "garbage.json").write_bytes(b"\xff{not json")
    proc = chot(*[arg.format(**paths) for arg in args])
    answer = last_json(proc)
    assert proc.returncode == 2 and answer["reason"] == reason
    assert " / " in answer["error"]  # Vietnamese / English
    assert not (tmp_path / "out.json").exists()


def test_verify_names_a_failed_entry_rule_in_its_own_words(tmp_path):
    now = datetime.now(UTC).replace(microsecond=0)
    signer = make_signer(ec.generate_private_key(ec.SECP256R1()),
                         not_before=now - timedelta(days=10), not_after=now + timedelta(days=10))
    (tmp_path / "dsc.pem").write_bytes(
        load_der_x509_certificate(signer.der).public_bytes(Encoding.PEM))
    code = signer.code({1: vaccination(1, 2)}, issued=now - timedelta(days=1),
                       expires=now + timedelta(days=30))
    proc = subprocess.run([sys.executable, "-m", "chot", "verify", code, "--trust",
                           str(tmp_path / "dsc.pem"), "--json"], capture_output=True, text=True,
                          timeout=60)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["outcome"] == "incomplete"
    assert out["reasons"] == ["manual_entry_required", "certificate_rules_failed",
                              "entry_rule:VR-VN-0001"]
    assert out["messages"][2]["vi"].startswith("Phải tiêm đủ liệu trình")
    assert out["messages"][2]["en"].startswith("The vaccination series must be complete")
