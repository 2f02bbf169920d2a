"""`chot rules import|eval|test`: entry rules in the EU business-rule format (CertLogic)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from chot.failure import said


def register(tree: Any) -> None:
    """Add `chot rules import`, `chot rules eval` and `chot rules test`."""
    tree.group("rules", help=said("help_group_rules"))
    add = tree.command(
        "import", import_rules,
        said("help_rules_import"), group="rules")
    add.add_argument("files", nargs="+", metavar="FILE",
                     help="a rule (JSON object) or a list of rules, as the EU gateway gives "
                          "them; an EU value set ({valueSetId, valueSetValues}) goes into "
                          "certificate_value_sets")
    add.add_argument("--into", metavar="BODY",
                     help="the policy body to add them to (default: the built-in default policy)")
    add.add_argument("--out", required=True, help="the policy body to write")
    run = tree.command(
        "eval", eval_rule,
        "tính một quy tắc trên dữ liệu CertLogic / evaluate one rule on CertLogic's data "
        '{"payload": DCC, "external": {...}}', group="rules")
    run.add_argument("rule", metavar="RULE.json", help="an EU-format rule, or a bare expression")
    run.add_argument("data", metavar="DATA.json", help='{"payload": ..., "external": ...}')
    run.add_argument("--json", action="store_true", help='print {"result": ...} only')
    check = tree.command(
        "test", test_rule,
        "chạy các ca kiểm thử của một quy tắc / run a rule's test cases "
        '{"name", "payload", "external", "expected"}', group="rules")
    check.add_argument("rule", metavar="RULE.json", help="an EU-format rule, or a bare expression")
    check.add_argument("cases", nargs="+", metavar="CASE.json",
                       help="a test case or a list of them; expected is true, false or null")
    check.add_argument("--json", action="store_true", help="one JSON line per case, in order")


def import_rules(args: argparse.Namespace) -> int:
    """Validate every rule, add them to the policy body, write --out; a JSON summary last."""
    from pathlib import Path

    from pydantic import ValidationError

    from chot.failure import fail, said
    from screening.certlogic.business_rule import BusinessRule
    from screening.default_policy import DEFAULT_BODY
    from screening.files import FileProblem, read_json
    from screening.policy import PolicyError, parse_policy, policy_body

    try:
        body = read_json(args.into) if args.into else json.loads(json.dumps(DEFAULT_BODY))
        parse_policy(body)
        incoming = [(path, item) for path in args.files for item in _listed(read_json(path))]
    except FileProblem as exc:
        return fail(f"{said('cannot_read_file')}: {exc}", exc.reason)
    except PolicyError as exc:
        return fail(f"{said('into_policy_invalid')}: {exc}",
                    "policy_invalid")
    rules: list[BusinessRule] = []
    value_sets = dict(body.get("certificate_value_sets", {}))
    for path, item in incoming:
        if isinstance(item, dict) and "valueSetId" in item:
            codes = _value_set_codes(item)
            if codes is None:
                return fail(f"{said('value_set_invalid')}: {path}",
                            "value_set_invalid")
            value_sets[item["valueSetId"]] = codes
            continue
        try:
            rules.append(BusinessRule.model_validate(item))
        except ValidationError as exc:
            return fail(f"{said('rule_invalid')}: {path} {_rule_name(item)}: "
                        f"{_first_error(exc)}", "rule_invalid")
    kept = [r for r in body.get("certificate_rules", [])
            if not any(_same(r, new) for new in rules)]
    added = [rule.model_dump(mode="json") for rule in rules]
    try:
        policy = parse_policy({**body, "certificate_rules": [*kept, *added],
                               "certificate_value_sets": value_sets})
    except PolicyError as exc:
        return fail(f"{said('policy_would_be_invalid')}: {exc}",
                    "policy_invalid")
    Path(args.out).write_text(json.dumps(policy_body(policy), ensure_ascii=False, indent=1)
                              + "\n", "utf-8")
    print(json.dumps({"out": args.out, "imported": len(added),
                      "replaced": len(body.get("certificate_rules", [])) - len(kept),
                      "certificate_rules": len(policy.certificate_rules),
                      "value_sets": sorted(policy.certificate_value_sets)}))
    return 0


def eval_rule(args: argparse.Namespace) -> int:
    """Print the rule's raw CertLogic value on the data object as `{"result": ...}`."""
    from chot.failure import fail, said
    from screening.certlogic import EvaluationError, evaluate, to_json
    from screening.files import FileProblem, read_json

    try:
        logic, data = _logic(read_json(args.rule)), read_json(args.data)
    except FileProblem as exc:
        return fail(f"{said('cannot_read_file')}: {exc}", exc.reason)
    if not isinstance(data, dict) or "payload" not in data:
        return fail('Dữ liệu phải là {"payload", "external"} / the data must be '
                    '{"payload": ..., "external": ...}', "data_invalid")
    result = evaluate(logic, data)
    line = ({"result": None, "error": result.message} if isinstance(result, EvaluationError)
            else {"result": to_json(result)})
    if not args.json:
        print(f"{said('result')}: {json.dumps(line['result'], ensure_ascii=False)}"
              + (f" ({said('error')}: {line['error']})" if "error" in line else ""))
    print(json.dumps(line, ensure_ascii=False))
    return 0


def test_rule(args: argparse.Namespace) -> int:
    """Run each case in order; one line per case; exit 1 when any did not pass."""
    from chot.failure import fail, said
    from screening.certlogic.rule_cases import CaseError, check_case, run_case
    from screening.files import FileProblem, read_json

    try:
        logic = _logic(read_json(args.rule))
        cases = [(path, check_case(case)) for path in args.cases
                 for case in _listed(read_json(path))]
    except FileProblem as exc:
        return fail(f"{said('cannot_read_file')}: {exc}", exc.reason)
    except CaseError as exc:
        return fail(f"{said('case_invalid')}: {exc}", "case_invalid")
    failed = 0
    for number, (_path, case) in enumerate(cases, start=1):
        line = {"case": number, **run_case(logic, case)}
        failed += not line["passed"]
        if args.json:
            print(json.dumps(line, ensure_ascii=False))
        else:
            mark = "✔" if line["passed"] else "✘"
            print(f"{mark} {number} {line['name']}: {json.dumps(line['result'])} "
                  f"({said('expected')} {json.dumps(line['expected'])})")
    if not args.json:
        print(f"{len(cases) - failed} {said('passed')}, {failed} {said('failed')}")
    return 1 if failed else 0


def _logic(body: Any) -> Any:
    # An EU-format rule is evaluated by its Logic; anything else is taken as the expression.
    return body["Logic"] if isinstance(body, dict) and "Logic" in body else body


def _listed(body: Any) -> list[Any]:
    return body if isinstance(body, list) else [body]


def _value_set_codes(item: dict[str, Any]) -> list[str] | None:
    # The EU's value-set document: {"valueSetId", "valueSetDate", "valueSetValues": {code: …}}.
    values = item.get("valueSetValues")
    if not isinstance(item["valueSetId"], str) or not item["valueSetId"] \
            or not isinstance(values, dict):
        return None
    return sorted(values)


def _same(held: Any, new: Any) -> bool:
    return isinstance(held, dict) and held.get("Identifier") == new.Identifier \
        and held.get("Version") == new.Version


def _rule_name(item: Any) -> str:
    name = item.get("Identifier") if isinstance(item, dict) else None
    return str(name)[:20] if name else "(no Identifier)"


def _first_error(exc: Any) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "rule"
    return f"'{where}': {error['msg']}"
