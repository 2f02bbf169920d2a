"""JSON Schemas of the MQTT API that come from code: the policy body, from its model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from screening.policy import Policy

SCHEMAS_DIR = Path(__file__).resolve().parents[1] / "docs" / "schemas"
POLICY_SCHEMA_ID = "https://chot.example/schemas/policy.json"


def policy_body_schema() -> dict[str, Any]:
    """The schema of a signed policy's body (the Policy model without its version)."""
    schema = Policy.model_json_schema()
    schema["properties"].pop("version", None)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": POLICY_SCHEMA_ID,
            **schema, "title": "chot policy body",
            "description": "The body of a signed policy envelope: zones, thresholds, "
                           "quarantine durations and ordered JsonLogic rules."}


def write_policy_schema(folder: Path = SCHEMAS_DIR) -> Path:
    """Regenerate docs/schemas/policy.json from the model."""
    path = folder / "policy.json"
    path.write_text(json.dumps(policy_body_schema(), ensure_ascii=False, indent=2) + "\n",
                    "utf-8")
    return path


if __name__ == "__main__":
    print(write_policy_schema())
