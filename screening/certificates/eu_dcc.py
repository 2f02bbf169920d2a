"""The EU DCC payload (hcert claim -260, key 1): schema check, then holder and facts."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs

from screening.certificates.payload import SchemaInvalid, count, first_error, text, to_json
from screening.certificates.result import CertificateFacts, CertType, Holder

# SNOMED CT codes of the DCC test-result value set
TEST_RESULTS = {"260415000": "negative", "260373001": "positive"}


def read(payload: Any) -> tuple[Holder, CertificateFacts]:
    """Holder and facts of a DCC payload; raises SchemaInvalid when it breaks the schema."""
    dcc = without_nulls(to_json(payload))
    if (error := first_error(_validator(), dcc)) is not None:
        raise SchemaInvalid(error)
    return _holder(dcc), _facts(dcc)


def without_nulls(value: Any) -> Any:
    """The payload with `null` members dropped: the EU's verifier guidance reads a null
    optional field as an absent one (some issuers send them); a required one still fails."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def _holder(dcc: dict[str, Any]) -> Holder:
    nam = dcc["nam"]
    family = text(nam.get("fn")) or _untransliterated(nam.get("fnt"))
    given = text(nam.get("gn")) or _untransliterated(nam.get("gnt"))
    name = ", ".join(part for part in (family, given) if part)  # surname(s), forename(s)
    return Holder(name=name, date_of_birth=text(dcc.get("dob")))


def _facts(dcc: dict[str, Any]) -> CertificateFacts:
    if "v" in dcc:
        v = dcc["v"][0]
        return CertificateFacts(type=CertType.VACCINATION, date=text(v["dt"]),
                                doses=count(v["dn"]), series=count(v["sd"]),
                                issuer_country=text(v["co"]), issuer=text(v["is"]))
    if "t" in dcc:
        t = dcc["t"][0]
        return CertificateFacts(type=CertType.TEST, date=text(t["sc"]),
                                test_result=TEST_RESULTS.get(t["tr"], t["tr"]),
                                issuer_country=text(t["co"]), issuer=text(t["is"]))
    r = dcc["r"][0]
    return CertificateFacts(type=CertType.RECOVERY, date=text(r["fr"]),
                            valid_from=text(r["df"]), valid_until=text(r["du"]),
                            issuer_country=text(r["co"]), issuer=text(r["is"]))


def _untransliterated(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return value.replace("<", " ").strip() or None


@cache
def _validator() -> Any:
    # Package data read once, like an import. Tolerant on form: real issuers send other
    # characters in transliterated names and partial or "XX" birth dates.
    source = resources.files("screening.certificates.schema").joinpath(
        "DCC.combined-schema.json").read_text("utf-8")
    schema = json.loads(source)
    for field in ("fnt", "gnt"):
        schema["$defs"]["person_name"]["properties"][field].pop("pattern")
    schema["properties"]["dob"].pop("pattern")
    return jsonschema_rs.validator_for(schema)
