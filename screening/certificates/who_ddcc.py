"""The WHO DDCC core data set carried in an HC1 container, in every place WHO puts it.

WHO's own samples (ddcc-validator) carry the core data set directly as the COSE payload: a
map with text keys and no CWT claims, vaccination fields flat at the top (`date`, `dose`,
`total_doses`, `vaccine`, `country`, …), a test nested under `test`. WHO's trust framework
(smart-trust, "HCert" logical model) assigns hcert subclaim 3 to the DDCC vaccination status
(DDCC:VS) and 4 to the test result (DDCC:TR); the earlier DDCC guide (RC2) used 2 and 3, and
the validator also looks under subclaim 1 when it holds a data set rather than an EU DCC.
Every layout is read, telling VS from TR by content. Element names are the DDCC models'.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema_rs

from screening.certificates.payload import SchemaInvalid, count, first_error, text, to_json
from screening.certificates.reasons import CertReason
from screening.certificates.result import (
    CertificateFacts,
    CertificateRejected,
    CertificateVerified,
    CertType,
    Holder,
)

SUBCLAIMS = (2, 3, 4)
# Vaccination elements of WHO's flat logical model (ddcc-validator WHOLogicalModel)
FLAT_VACCINATION = ("date", "dose", "total_doses", "totalDoses", "vaccine", "brand", "lot",
                    "country", "centre", "manufacturer", "ma_holder", "disease", "due_date",
                    "vaccine_valid", "hw", "pha")
CODING = {"anyOf": [{"type": "string"}, {"type": "object"}]}
SCHEMA = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "birthDate": {"type": "string", "maxLength": 40},
        "vaccination": {
            "type": "object", "required": ["date", "dose"],
            "properties": {"date": {"type": "string"}, "dose": {"type": "number", "minimum": 1},
                           "totalDoses": {"type": "number", "minimum": 1},
                           "total_doses": {"type": "number", "minimum": 1},
                           "country": CODING, "vaccine": CODING, "brand": CODING}},
        "test": {
            "type": "object", "required": ["date"],
            "properties": {"date": {"type": "string"}, "result": CODING, "type": CODING,
                           "country": CODING}},
    },
    "oneOf": [{"required": ["vaccination"]}, {"required": ["test"]}],
}
# WHO's verifier (ddcc-validator) statuses and the reason each is given here (None: verified)
WHO_STATUSES: dict[str, CertReason | None] = {
    "INVALID_ENCODING": CertReason.BAD_BASE45,
    "INVALID_COMPRESSION": CertReason.BAD_COMPRESSION,
    "INVALID_SIGNING_FORMAT": CertReason.BAD_COSE,
    "NOT_SUPPORTED": CertReason.SCHEMA_INVALID,
    "KID_NOT_INCLUDED": CertReason.BAD_COSE,
    "ISSUER_NOT_TRUSTED": CertReason.UNKNOWN_KEY,
    "TERMINATED_KEYS": CertReason.REVOKED,
    "EXPIRED_KEYS": CertReason.SIGNER_EXPIRED,
    "REVOKED_KEYS": CertReason.REVOKED,
    "INVALID_SIGNATURE": CertReason.BAD_SIGNATURE,
    "VERIFIED": None,
}
# Our reasons WHO's verifier has no status for, under the status nearest in meaning
_NEAREST = {CertReason.UNSUPPORTED_ALGORITHM: "INVALID_SIGNING_FORMAT",
            CertReason.NO_TRUST_LIST: "ISSUER_NOT_TRUSTED",
            CertReason.UNKNOWN_KEY: "ISSUER_NOT_TRUSTED",
            CertReason.BAD_COSE: "INVALID_SIGNING_FORMAT",
            CertReason.REVOKED: "REVOKED_KEYS"}
# SNOMED CT codes WHO lists for test results
TEST_RESULTS = {"260415000": "negative", "260373001": "positive"}


def who_status(result: CertificateVerified | CertificateRejected) -> str:
    """The status WHO's own verifier would show for this result (for staff comparing apps);
    our finer reasons (expiry, key usage, stale lists) have none and read as NOT_SUPPORTED."""
    if isinstance(result, CertificateVerified):
        return "VERIFIED"
    if result.reason in _NEAREST:
        return _NEAREST[result.reason]
    return next((status for status, reason in WHO_STATUSES.items()
                 if reason is result.reason), "NOT_SUPPORTED")


def find(hcert: dict[Any, Any]) -> Any:
    """The DDCC data set inside an hcert claim map, or None when there is none."""
    return next((hcert[key] for key in SUBCLAIMS if key in hcert), None)


def is_core_data_set(value: Any) -> bool:
    """True for a map that is a DDCC data set (`name`), not an EU DCC (`nam`) or CWT claims."""
    return isinstance(value, dict) and isinstance(value.get("name"), str) and "nam" not in value


def read(payload: Any) -> tuple[Holder, CertificateFacts]:
    """Holder and facts of a DDCC data set; raises SchemaInvalid when it lacks what we need."""
    data = _nested(to_json(payload))
    if (error := first_error(_validator(), data)) is not None:
        raise SchemaInvalid(error)
    holder = Holder(name=data["name"], date_of_birth=text(data.get("birthDate")))
    certificate = data.get("certificate")
    period = certificate.get("period") if isinstance(certificate, dict) else None
    valid_until = text(period.get("end")) if isinstance(period, dict) else None
    if "vaccination" in data:
        v = data["vaccination"]
        return holder, CertificateFacts(
            type=CertType.VACCINATION, date=text(v["date"]), doses=count(v["dose"]),
            series=count(v.get("totalDoses", v.get("total_doses"))),
            issuer_country=_code(v.get("country")), valid_until=valid_until)
    t = data["test"]
    result = _code(t.get("result"))
    return holder, CertificateFacts(
        type=CertType.TEST, date=text(t["date"]),
        test_result=TEST_RESULTS.get(result, result) if result else None,
        issuer_country=_code(t.get("country")), valid_until=valid_until)


def _nested(data: Any) -> Any:
    """WHO's flat model in the nested shape of the DDCC logical models (VS under
    `vaccination`, `valid_until` as the certificate period's end)."""
    if not isinstance(data, dict) or "vaccination" in data or "test" in data:
        return data
    flat = {key: data[key] for key in FLAT_VACCINATION if key in data}
    if not flat:
        return data
    rest = {key: value for key, value in data.items() if key not in flat}
    if "total_doses" in flat:
        flat.setdefault("totalDoses", flat.pop("total_doses"))
    if "valid_until" in rest and "certificate" not in rest:
        rest["certificate"] = {"period": {"start": rest.get("valid_from"),
                                          "end": rest["valid_until"]}}
    return {**rest, "vaccination": flat}


def _code(coding: Any) -> str | None:
    if isinstance(coding, dict):
        return text(coding.get("code"))
    return text(coding)


@cache
def _validator() -> Any:
    return jsonschema_rs.validator_for(SCHEMA)
