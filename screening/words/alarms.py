"""Unsafe states a relay or kiosk reports (infra.alarms codes), in words."""

from __future__ import annotations

from screening.words.table import Words

ALARMS: Words = {
    "disk_full": ("Ổ đĩa đầy: chưa nhận thêm sự kiện", "disk full: new events are held back"),
    "clock_jump": ("Đồng hồ hệ thống vừa nhảy", "the system clock jumped"),
    "publish_refused": ("Máy chủ tỉnh từ chối sự kiện", "the provincial broker refused events"),
    "uplink_refused": ("Máy chủ tỉnh từ chối kết nối", "the provincial broker refused the login"),
    "internal_error": ("Lỗi nội bộ, đã tự khởi động lại phần chuyển tiếp",
                       "internal error, the relay restarted itself"),
    "store_error": ("Không ghi được cơ sở dữ liệu", "the database cannot be written"),
    "no_center_keys": ("Chưa có khoá của trung tâm: không phát chính sách",
                       "no center key configured: policy and trust are not fanned out"),
    "trust_entries_skipped": ("Bỏ qua mục hỏng trong danh sách tin cậy (các mục khác vẫn dùng)",
                              "malformed trust list entries skipped (the others still work)"),
}

# The same alarms in a word or two, for the dashboard's narrow "Sự cố" columns.
ALARMS_SHORT: Words = {
    "disk_full": ("Đĩa đầy", "Disk full"),
    "clock_jump": ("Lệch giờ", "Clock jump"),
    "publish_refused": ("Bị từ chối gửi", "Publish refused"),
    "uplink_refused": ("Bị từ chối đăng nhập", "Login refused"),
    "internal_error": ("Lỗi nội bộ", "Internal error"),
    "store_error": ("Lỗi ghi CSDL", "Store error"),
    "no_center_keys": ("Thiếu khoá TT", "No center key"),
    "trust_entries_skipped": ("DS tin cậy lỗi mục", "Trust entries skipped"),
}
