"""Vietnam's entry rules for foreign certificates, in the EU business-rule format.

One JSON file per rule (`VR-VN-0001.json`, …), with its test cases in the EU test-case
format under `cases/`; docs/policy.md explains each rule and where it comes from.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

RULE_IDS = ("VR-VN-0001", "VR-VN-0002", "TR-VN-0001", "TR-VN-0002", "RR-VN-0001")


def vietnam_rules() -> list[dict[str, Any]]:
    """The rule bodies as shipped (package data, read like an import)."""
    folder = resources.files(__package__)
    return [json.loads((folder / f"{rule_id}.json").read_text("utf-8")) for rule_id in RULE_IDS]
