"""Why a foreign health certificate was refused: stable codes, each in Vietnamese and English."""

from __future__ import annotations

from enum import StrEnum


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


MESSAGES: dict[CertReason, tuple[str, str]] = {
    CertReason.TOO_LARGE: ("Mã quá lớn", "Code too large"),
    CertReason.UNSUPPORTED_CODE: ("Không phải chứng nhận y tế được hỗ trợ",
                                  "Not a supported health certificate"),
    CertReason.BAD_BASE45: ("Chứng nhận bị hỏng (base45 sai)",
                            "Damaged certificate (invalid base45)"),
    CertReason.BAD_SHC_DIGITS: ("Thẻ SMART bị hỏng (dãy số sai)",
                                "Damaged SMART card (invalid digits)"),
    CertReason.SHC_CHUNKED: ("Thẻ SMART nhiều mã QR không còn được hỗ trợ",
                             "Multi-part SMART card codes are no longer supported"),
    CertReason.BAD_COMPRESSION: ("Chứng nhận bị hỏng (nén sai)",
                                 "Damaged certificate (invalid compression)"),
    CertReason.BAD_COSE: ("Chứng nhận bị hỏng (cấu trúc COSE sai)",
                          "Damaged certificate (invalid COSE structure)"),
    CertReason.BAD_JWS: ("Chứng nhận bị hỏng (cấu trúc JWS sai)",
                         "Damaged certificate (invalid JWS structure)"),
    CertReason.UNSUPPORTED_ALGORITHM: ("Thuật toán chữ ký không được hỗ trợ",
                                       "Unsupported signature algorithm"),
    CertReason.UNKNOWN_KEY: ("Khóa của nơi cấp không có trong danh sách tin cậy",
                             "Issuer key not in the trust list"),
    CertReason.TRUST_STALE: ("Danh sách tin cậy đã quá cũ: cần cập nhật",
                             "Trust list too old: update it"),
    CertReason.BAD_SIGNATURE: ("Chữ ký sai: chứng nhận giả mạo hoặc bị sửa",
                               "Bad signature: forged or altered certificate"),
    CertReason.ISSUER_MISMATCH: ("Nơi cấp không khớp với khóa ký",
                                 "Issuer does not match the signing key"),
    CertReason.SIGNER_NOT_YET_VALID: ("Chứng thư ký chưa có hiệu lực khi cấp",
                                      "Signer certificate not yet valid when issued"),
    CertReason.SIGNER_EXPIRED: ("Chứng thư ký đã hết hạn khi cấp",
                                "Signer certificate expired when issued"),
    CertReason.KEY_USAGE_MISMATCH: ("Khóa ký không được phép ký loại chứng nhận này",
                                    "Signer not allowed to sign this certificate type"),
    CertReason.SCHEMA_INVALID: ("Nội dung chứng nhận không đúng mẫu",
                                "Certificate content does not match its schema"),
    CertReason.NOT_YET_VALID: ("Chứng nhận chưa có hiệu lực", "Certificate not yet valid"),
    CertReason.EXPIRED: ("Chứng nhận đã hết hạn", "Certificate expired"),
}


def message(reason: CertReason | str, lang: str = "vi") -> str:
    """The human message for a reason in `lang` ("vi" or "en"); unknown codes echo back."""
    try:
        vi, en = MESSAGES[CertReason(reason)]
    except ValueError:
        return str(reason)
    return en if lang == "en" else vi


def describe(reason: CertReason | str) -> dict[str, str]:
    """A reason as `{"code", "vi", "en"}` for JSON output."""
    return {"code": str(reason), "vi": message(reason, "vi"), "en": message(reason, "en")}
