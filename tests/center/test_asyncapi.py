"""docs/asyncapi.yaml is a valid AsyncAPI 3.0 document and its payload schemas are sound.

The AsyncAPI 3.0.0 JSON Schema is vendored from the official @asyncapi/specs package
(schemas/3.0.0-without-$id.json, Apache-2.0) as asyncapi-3.0.0.schema.json.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource

from center.schemas import policy_body_schema
from screening.default_policy import DEFAULT_BODY

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "asyncapi.yaml"
SCHEMAS = ROOT / "docs" / "schemas"
ASYNCAPI_SCHEMA = Path(__file__).with_name("asyncapi-3.0.0.schema.json")
CHANNELS = {"kioskEvents", "kioskState", "gatewayState", "postAcks", "kioskAcks", "policy",
            "trust", "arrivals", "alerts"}


@cache
def registry() -> Registry:
    """Every payload schema, by its $id."""
    resources = []
    for path in SCHEMAS.glob("*.json"):
        schema = json.loads(path.read_text("utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


def validator(name: str) -> jsonschema.protocols.Validator:
    """A validator for one schema file (fragment refs allowed: 'arrival.json#/$defs/summary')."""
    base = "https://chot.example/schemas/"
    return jsonschema.Draft202012Validator({"$ref": base + name}, registry=registry(),
                                           format_checker=jsonschema.FormatChecker())


def asyncapi() -> dict[str, Any]:
    return yaml.safe_load(DOC.read_text("utf-8"))


@cache
def asyncapi_validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(json.loads(ASYNCAPI_SCHEMA.read_text("utf-8")))


def payload_validators() -> dict[str, jsonschema.protocols.Validator]:
    """Channel address → validator of its message payloads (oneOf the channel's messages)."""
    doc = asyncapi()
    found: dict[str, jsonschema.protocols.Validator] = {}
    for channel in doc["channels"].values():
        refs = []
        for message in channel["messages"].values():
            name = message["$ref"].rsplit("/", 1)[-1]
            refs.append(doc["components"]["messages"][name]["payload"]["$ref"]
                        .removeprefix("schemas/"))
        schema = {"oneOf": [{"$ref": "https://chot.example/schemas/" + r} for r in refs]}
        found[channel["address"]] = jsonschema.Draft202012Validator(
            schema, registry=registry(), format_checker=jsonschema.FormatChecker())
    return found


def test_the_document_validates_against_the_asyncapi_3_schema():
    errors = list(asyncapi_validator().iter_errors(asyncapi()))
    assert errors == [], [e.message for e in errors][:5]


@pytest.mark.parametrize("breakage", ["version", "address", "action", "qos"])
def test_a_broken_document_does_not_validate(breakage):
    doc = copy.deepcopy(asyncapi())
    if breakage == "version":
        doc["asyncapi"] = "2.6.0"
    elif breakage == "address":
        doc["channels"]["alerts"]["address"] = 42
    elif breakage == "action":
        doc["operations"]["raiseAlert"]["action"] = "publish"
    else:
        doc["operations"]["publishEvent"]["bindings"]["mqtt"]["qos"] = 3
    assert list(asyncapi_validator().iter_errors(doc))


def test_every_contract_channel_is_described_with_operations_both_ways():
    doc = asyncapi()
    assert set(doc["channels"]) == CHANNELS
    used: dict[str, set[str]] = {}
    for operation in doc["operations"].values():
        channel = operation["channel"]["$ref"].rsplit("/", 1)[-1]
        used.setdefault(channel, set()).add(operation["action"])
    assert {c for c, actions in used.items() if actions == {"send", "receive"}} == CHANNELS
    assert all(a.startswith("chot/v1/{province}/") for a in payload_validators())


def test_every_reference_resolves():
    doc = asyncapi()

    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            return ([node["$ref"]] if "$ref" in node else []) + \
                [r for v in node.values() for r in refs(v)]
        if isinstance(node, list):
            return [r for v in node for r in refs(v)]
        return []

    for ref in refs(doc):
        if ref.startswith("#/"):
            target: Any = doc
            for part in ref[2:].split("/"):
                target = target[part]
        else:
            file, _, pointer = ref.partition("#")
            assert (DOC.parent / file).is_file(), ref
            if pointer:
                registry().resolver().lookup("https://chot.example/" + ref)


def test_payload_schemas_are_valid_2020_12_schemas():
    for path in SCHEMAS.glob("*.json"):
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text("utf-8")))


def test_the_policy_schema_is_the_model_and_accepts_the_default_policy():
    assert json.loads((SCHEMAS / "policy.json").read_text("utf-8")) == policy_body_schema(), \
        "docs/schemas/policy.json is stale: run python -m center.schemas"
    validator("policy.json").validate(DEFAULT_BODY)
    with pytest.raises(jsonschema.ValidationError):
        validator("policy.json").validate({**DEFAULT_BODY, "fever_threshold_c": 50})


def test_every_message_example_validates_against_its_payload_schema():
    doc = asyncapi()
    checked = 0
    for message in doc["components"]["messages"].values():
        ref = message["payload"]["$ref"].removeprefix("schemas/")
        for example in message.get("examples", []):
            validator(ref).validate(example["payload"])
            checked += 1
    assert checked >= 4
