"""Reason codes for every verdict and rejection, each with a Vietnamese and an English message."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Why a code was rejected or a verdict was reached; stable strings used on the wire."""

    # Reading the code
    EMPTY = "empty"
    UNDECODABLE = "undecodable"
    TOO_LARGE = "too_large"
    UNSUPPORTED_CODE = "unsupported_code"
    TEXT_TOO_LONG = "text_too_long"
    BAD_BASE45 = "bad_base45"
    BAD_COMPRESSION = "bad_compression"
    TRAILING_DATA = "trailing_data"
    BAD_COSE = "bad_cose"
    UNKNOWN_KEY = "unknown_key"
    BAD_SIGNATURE = "bad_signature"
    BAD_CLAIMS = "bad_claims"
    UNSUPPORTED_VERSION = "unsupported_version"
    TEXT_NOT_NFC = "text_not_nfc"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    VALIDITY_TOO_LONG = "validity_too_long"
    # Foreign health certificates (the codes above keep their meaning; these are theirs alone)
    BAD_SHC_DIGITS = "bad_shc_digits"
    SHC_CHUNKED = "shc_chunked"
    BAD_JWS = "bad_jws"
    UNSUPPORTED_ALGORITHM = "unsupported_algorithm"
    TRUST_STALE = "trust_stale"
    ISSUER_MISMATCH = "issuer_mismatch"
    SIGNER_NOT_YET_VALID = "signer_not_yet_valid"
    SIGNER_EXPIRED = "signer_expired"
    KEY_USAGE_MISMATCH = "key_usage_mismatch"
    SCHEMA_INVALID = "schema_invalid"
    REVOKED = "revoked"
    NO_TRUST_LIST = "no_trust_list"
    # Reading an image (chot verify --image)
    IMAGE_UNREADABLE = "image_unreadable"
    IMAGE_TOO_LARGE = "image_too_large"
    # CCCD citizen-ID QR
    CCCD_FIELD_COUNT = "cccd_field_count"
    CCCD_BAD_ID = "cccd_bad_id"
    CCCD_BAD_OLD_ID = "cccd_bad_old_id"
    CCCD_BAD_NAME = "cccd_bad_name"
    CCCD_BAD_DATE = "cccd_bad_date"
    CCCD_BAD_GENDER = "cccd_bad_gender"
    CCCD_BAD_ADDRESS = "cccd_bad_address"
    MANUAL_ENTRY_REQUIRED = "manual_entry_required"
    # Policy outcomes
    HOT_ZONE_ORIGIN = "hot_zone_origin"
    FOREIGN_HOT_ZONE_ORIGIN = "foreign_hot_zone_origin"
    CONTACT_F1 = "contact_f1"
    CONTACT_F0 = "contact_f0"
    CONTACT_F2 = "contact_f2"
    OUT_OF_PROVINCE_ORIGIN = "out_of_province_origin"
    FOREIGN_ORIGIN = "foreign_origin"
    FEVER = "fever"
    SYMPTOMS = "symptoms"
    CERTIFICATE_NOT_PROTECTIVE = "certificate_not_protective"
    CERTIFICATE_TEST_NOT_NEGATIVE = "certificate_test_not_negative"
    CERTIFICATE_RULES_FAILED = "certificate_rules_failed"  # the failed rules follow it
    NO_RISK = "no_risk"
    STAFF_OVERRIDE = "staff_override"


MESSAGES: dict[Reason, tuple[str, str]] = {
    Reason.EMPTY: ("Mã trống", "Empty code"),
    Reason.UNDECODABLE: ("Mã có byte không đọc được (không phải UTF-8)",
                         "Code holds unreadable bytes (not UTF-8)"),
    Reason.TOO_LARGE: ("Mã quá lớn (quá giới hạn của loại mã)",
                       "Code too large (over its format's limit)"),
    Reason.UNSUPPORTED_CODE: ("Mã không được hỗ trợ", "Unsupported code"),
    Reason.TEXT_TOO_LONG: ("Mã có trường chữ quá dài để lưu (trên 400 ký tự): nhập tay (F4)",
                           "The code holds text too long to keep (over 400 characters): "
                           "enter it by hand (F4)"),
    Reason.BAD_BASE45: ("Mã bị hỏng (base45 sai)", "Damaged code (invalid base45)"),
    Reason.BAD_COMPRESSION: ("Mã bị hỏng (nén sai)", "Damaged code (invalid compression)"),
    Reason.TRAILING_DATA: ("Mã bị hỏng (có dữ liệu thừa sau phần nén)",
                           "Damaged code (extra data after the compressed part)"),
    Reason.BAD_COSE: ("Mã bị hỏng (cấu trúc chữ ký sai)",
                      "Damaged code (invalid signed structure)"),
    Reason.UNKNOWN_KEY: ("Đơn vị cấp không được tin cậy", "Issuer key not trusted"),
    Reason.BAD_SIGNATURE: ("Chữ ký sai: mã giả mạo hoặc bị sửa",
                           "Bad signature: forged or altered code"),
    Reason.BAD_CLAIMS: ("Nội dung tờ khai không hợp lệ", "Invalid declaration content"),
    Reason.UNSUPPORTED_VERSION: ("Phiên bản tờ khai không được hỗ trợ",
                                 "Unsupported declaration version"),
    Reason.TEXT_NOT_NFC: ("Văn bản không ở dạng chuẩn NFC", "Text is not in NFC form"),
    Reason.EXPIRED: ("Tờ khai đã hết hạn", "Declaration expired"),
    Reason.NOT_YET_VALID: ("Tờ khai chưa có hiệu lực", "Declaration not yet valid"),
    Reason.VALIDITY_TOO_LONG: ("Thời hạn tờ khai dài quá mức chính sách cho phép",
                               "Declaration validity longer than the policy allows"),
    Reason.CCCD_FIELD_COUNT: ("Mã CCCD sai số trường (cần 6 hoặc 7)",
                              "CCCD code has the wrong number of fields (6 or 7 expected)"),
    Reason.CCCD_BAD_ID: ("Số CCCD phải có 12 chữ số", "CCCD number must be 12 digits"),
    Reason.CCCD_BAD_OLD_ID: ("Số CMND cũ phải có 9 chữ số", "Old CMND number must be 9 digits"),
    Reason.CCCD_BAD_NAME: ("Họ tên trống", "Name is empty"),
    Reason.CCCD_BAD_DATE: ("Ngày không hợp lệ (cần DDMMYYYY)", "Invalid date (DDMMYYYY expected)"),
    Reason.CCCD_BAD_GENDER: ("Giới tính phải là Nam hoặc Nữ", "Gender must be Nam or Nữ"),
    Reason.CCCD_BAD_ADDRESS: ("Địa chỉ trống", "Address is empty"),
    Reason.MANUAL_ENTRY_REQUIRED: ("Cần nhập nơi đi và nơi đến",
                                   "Origin and destination must be entered"),
    Reason.HOT_ZONE_ORIGIN: ("Đến từ vùng dịch", "Arriving from an epidemic zone"),
    Reason.FOREIGN_HOT_ZONE_ORIGIN: ("Đến từ vùng dịch nước ngoài",
                                     "Arriving from a foreign epidemic area"),
    Reason.CONTACT_F1: ("Tiếp xúc gần (F1)", "Close contact (F1)"),
    Reason.CONTACT_F0: ("Ca bệnh (F0)", "Confirmed case (F0)"),
    Reason.CONTACT_F2: ("Tiếp xúc với F1 (F2)", "Contact of a close contact (F2)"),
    Reason.OUT_OF_PROVINCE_ORIGIN: ("Đến từ tỉnh khác", "Arriving from another province"),
    Reason.FOREIGN_ORIGIN: ("Nhập cảnh từ nước ngoài", "Arriving from abroad"),
    Reason.FEVER: ("Sốt", "Fever"),
    Reason.SYMPTOMS: ("Có triệu chứng", "Has symptoms"),
    Reason.CERTIFICATE_NOT_PROTECTIVE: (
        "Chứng nhận không đủ điều kiện (chưa tiêm đủ, xét nghiệm quá hạn hoặc hết hạn khỏi bệnh)",
        "Certificate not sufficient (incomplete vaccination, test too old or recovery ended)"),
    Reason.CERTIFICATE_TEST_NOT_NEGATIVE: ("Xét nghiệm trên chứng nhận không âm tính",
                                           "The certificate's test is not negative"),
    Reason.CERTIFICATE_RULES_FAILED: ("Chứng nhận không đạt quy tắc nhập cảnh",
                                      "Certificate fails the entry rules"),
    Reason.NO_RISK: ("Không có yếu tố nguy cơ", "No risk factor"),
    Reason.STAFF_OVERRIDE: ("Cán bộ thay đổi kết quả", "Changed by staff"),
    Reason.IMAGE_UNREADABLE: ("Không đọc được ảnh (không phải ảnh hoặc ảnh hỏng)",
                              "Cannot read the image (not an image, or damaged)"),
    Reason.IMAGE_TOO_LARGE: ("Ảnh quá lớn (quá nhiều điểm ảnh), không đọc",
                             "Image too large (too many pixels), not read"),
}

# How a foreign certificate's failures read: the codes it shares with declarations (expired,
# bad_signature, …) keep their wire string but name a certificate, not a declaration.
CERTIFICATE_MESSAGES: dict[Reason, tuple[str, str]] = {
    Reason.TOO_LARGE: ("Mã quá lớn", "Code too large"),
    Reason.UNSUPPORTED_CODE: ("Không phải chứng nhận y tế được hỗ trợ",
                              "Not a supported health certificate"),
    Reason.BAD_BASE45: ("Chứng nhận bị hỏng (base45 sai)", "Damaged certificate (invalid base45)"),
    Reason.BAD_SHC_DIGITS: ("Thẻ SMART bị hỏng (dãy số sai)",
                            "Damaged SMART card (invalid digits)"),
    Reason.SHC_CHUNKED: ("Một phần của thẻ SMART nhiều mã QR: cần quét đủ các phần",
                         "One part of a multi-part SMART card: scan every part"),
    Reason.BAD_COMPRESSION: ("Chứng nhận bị hỏng (nén sai)",
                             "Damaged certificate (invalid compression)"),
    Reason.BAD_COSE: ("Chứng nhận bị hỏng (cấu trúc COSE sai)",
                      "Damaged certificate (invalid COSE structure)"),
    Reason.BAD_JWS: ("Chứng nhận bị hỏng (cấu trúc JWS sai)",
                     "Damaged certificate (invalid JWS structure)"),
    Reason.UNSUPPORTED_ALGORITHM: ("Thuật toán chữ ký không được hỗ trợ",
                                   "Unsupported signature algorithm"),
    Reason.UNKNOWN_KEY: ("Khóa của nơi cấp không có trong danh sách tin cậy",
                         "Issuer key not in the trust list"),
    Reason.TRUST_STALE: ("Danh sách tin cậy đã quá cũ: cần cập nhật",
                         "Trust list too old: update it"),
    Reason.BAD_SIGNATURE: ("Chữ ký sai: chứng nhận giả mạo hoặc bị sửa",
                           "Bad signature: forged or altered certificate"),
    Reason.ISSUER_MISMATCH: ("Nơi cấp không khớp với khóa ký",
                             "Issuer does not match the signing key"),
    Reason.SIGNER_NOT_YET_VALID: ("Chứng thư ký chưa có hiệu lực khi cấp",
                                  "Signer certificate not yet valid when issued"),
    Reason.SIGNER_EXPIRED: ("Chứng thư ký đã hết hạn khi cấp",
                            "Signer certificate expired when issued"),
    Reason.KEY_USAGE_MISMATCH: ("Khóa ký không được phép ký loại chứng nhận này",
                                "Signer not allowed to sign this certificate type"),
    Reason.SCHEMA_INVALID: ("Nội dung chứng nhận không đúng mẫu",
                            "Certificate content does not match its schema"),
    Reason.NOT_YET_VALID: ("Chứng nhận chưa có hiệu lực", "Certificate not yet valid"),
    Reason.EXPIRED: ("Chứng nhận đã hết hạn", "Certificate expired"),
    Reason.REVOKED: ("Chứng nhận đã bị thu hồi", "Certificate revoked"),
    Reason.NO_TRUST_LIST: ("Chưa có danh sách tin cậy cho loại chứng nhận này: cần nạp",
                           "No trust list for this kind of certificate: load one"),
}
# A certificate-only code met outside a certificate still reads as the certificate's.
for _code, _words in CERTIFICATE_MESSAGES.items():
    MESSAGES.setdefault(_code, _words)


def message(reason: Reason | str, lang: str = "vi", certificate: bool = False) -> str:
    """The human message for a reason code in `lang` ("vi" or "en"); unknown codes echo back.

    `certificate` words the failures a foreign certificate shares with declarations for it.
    """
    try:
        code = Reason(reason)
    except ValueError:
        return str(reason)
    vi, en = (CERTIFICATE_MESSAGES.get(code) if certificate else None) or MESSAGES[code]
    return en if lang == "en" else vi


def describe(reason: Reason | str, certificate: bool = False) -> dict[str, str]:
    """A reason as `{"code", "vi", "en"}` for JSON output."""
    return {"code": str(reason), "vi": message(reason, "vi", certificate),
            "en": message(reason, "en", certificate)}
