"""Why a foreign health certificate was refused: stable codes, worded in `screening.reasons`."""

from __future__ import annotations

from enum import StrEnum

from screening import reasons


class CertReason(StrEnum):
    """Reason codes for certificate rejections; stable strings used on the wire."""

    TOO_LARGE = "too_large"
    UNSUPPORTED_CODE = "unsupported_code"
    BAD_BASE45 = "bad_base45"
    BAD_SHC_DIGITS = "bad_shc_digits"
    SHC_CHUNKED = "shc_chunked"
    BAD_COMPRESSION = "bad_compression"
    BAD_COSE = "bad_cose"
    BAD_JWS = "bad_jws"
    UNSUPPORTED_ALGORITHM = "unsupported_algorithm"
    UNKNOWN_KEY = "unknown_key"
    TRUST_STALE = "trust_stale"
    BAD_SIGNATURE = "bad_signature"
    ISSUER_MISMATCH = "issuer_mismatch"
    SIGNER_NOT_YET_VALID = "signer_not_yet_valid"
    SIGNER_EXPIRED = "signer_expired"
    KEY_USAGE_MISMATCH = "key_usage_mismatch"
    SCHEMA_INVALID = "schema_invalid"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    NO_TRUST_LIST = "no_trust_list"


# One table for the kiosk and the CLI: the words live beside every other reason's.
MESSAGES: dict[CertReason, tuple[str, str]] = {
    code: reasons.CERTIFICATE_MESSAGES[reasons.Reason(code)] for code in CertReason}


def message(reason: CertReason | str, lang: str = "vi") -> str:
    """The human message for a reason in `lang` ("vi" or "en"); unknown codes echo back."""
    return reasons.message(reason, lang, certificate=True)


def describe(reason: CertReason | str) -> dict[str, str]:
    """A reason as `{"code", "vi", "en"}` for JSON output."""
    return reasons.describe(reason, certificate=True)
