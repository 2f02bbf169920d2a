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
    BAD_BASE45 = "bad_base45"
    BAD_COMPRESSION = "bad_compression"
    BAD_COSE = "bad_cose"
    UNKNOWN_KEY = "unknown_key"
    BAD_SIGNATURE = "bad_signature"
    BAD_CLAIMS = "bad_claims"
    UNSUPPORTED_VERSION = "unsupported_version"
    TEXT_NOT_NFC = "text_not_nfc"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    VALIDITY_TOO_LONG = "validity_too_long"
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
    NO_RISK = "no_risk"
    STAFF_OVERRIDE = "staff_override"


MESSAGES: dict[Reason, tuple[str, str]] = {
    Reason.EMPTY: ("Mã trống", "Empty code"),
    Reason.UNDECODABLE: ("Mã có byte không đọc được (không phải UTF-8)",
                         "Code holds unreadable bytes (not UTF-8)"),
    Reason.TOO_LARGE: ("Mã quá lớn (trên 4 KB)", "Code too large (over 4 KB)"),
    Reason.UNSUPPORTED_CODE: ("Mã không được hỗ trợ", "Unsupported code"),
    Reason.BAD_BASE45: ("Mã bị hỏng (base45 sai)", "Damaged code (invalid base45)"),
    Reason.BAD_COMPRESSION: ("Mã bị hỏng (nén sai)", "Damaged code (invalid compression)"),
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
    Reason.NO_RISK: ("Không có yếu tố nguy cơ", "No risk factor"),
    Reason.STAFF_OVERRIDE: ("Cán bộ thay đổi kết quả", "Changed by staff"),
}


def message(reason: Reason | str, lang: str = "vi") -> str:
    """The human message for a reason code in `lang` ("vi" or "en"); unknown codes echo back."""
    try:
        vi, en = MESSAGES[Reason(reason)]
    except ValueError:
        return str(reason)
    return en if lang == "en" else vi


def describe(reason: Reason | str) -> dict[str, str]:
    """A reason as `{"code", "vi", "en"}` for JSON output."""
    return {"code": str(reason), "vi": message(reason, "vi"), "en": message(reason, "en")}
