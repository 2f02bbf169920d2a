"""Every word the staff screen shows, in Vietnamese (the default) and English."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

LANGUAGES = ("vi", "en")

STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("CHỐT KIỂM SOÁT", "CHECKPOINT"),
    "waiting": ("SẴN SÀNG QUÉT", "READY TO SCAN"),
    "waiting_hint": ("Đưa mã QR vào camera hoặc máy đọc",
                     "Show the QR code to the camera or reader"),
    "reasons": ("Lý do", "Reasons"),
    "quarantine_days": ("Cách ly {days} ngày", "Quarantine {days} days"),
    "notify_ward": ("Báo về: {ward}", "Notify: {ward}"),
    "confirmed": ("ĐÃ XÁC NHẬN", "CONFIRMED"),
    "overridden": ("CÁN BỘ ĐỔI: {reason}", "STAFF OVERRIDE: {reason}"),
    "source": ("Nguồn", "Source"),
    "name": ("Họ tên", "Name"),
    "id_number": ("Số CCCD", "ID no."),
    "id_passport": ("Hộ chiếu", "Passport"),
    "id_document": ("Số giấy tờ", "Document"),
    "code_prefix": ("Mã", "Code"),
    "src_camera": ("camera", "camera"),
    "src_reader": ("máy đọc", "reader"),
    "src_wedge": ("máy đọc phím", "wedge reader"),
    "src_manual": ("cán bộ nhập", "staff entry"),
    "age": ("Tuổi", "Age"),
    "certificate": ("Chứng nhận", "Certificate"),
    "cert_vaccination": ("tiêm mũi {doses}/{series}", "dose {doses}/{series}"),
    "cert_dose": ("tiêm mũi {doses}", "dose {doses}"),
    "cert_vaccinated": ("đã tiêm chủng", "vaccinated"),
    "cert_test_negative": ("xét nghiệm âm tính", "negative test"),
    "cert_test_other": ("xét nghiệm: {result}", "test: {result}"),
    "cert_recovery": ("khỏi bệnh, hiệu lực đến {until}", "recovered, valid until {until}"),
    "cert_country": ("nước cấp {country}", "issued by {country}"),
    "cert_signer_ended": ("chứng thư ký hết hạn {date}", "signer certificate ended {date}"),
    "route": ("Hành trình", "Route"),
    "plate": ("Biển số", "Plate"),
    "temperature": ("Nhiệt độ", "Temp."),
    "no_reading": ("chưa đo", "not taken"),
    "seconds_ago": ("{s} giây trước", "{s} s ago"),
    "minutes_ago": ("{m} phút trước", "{m} min ago"),
    "hours_ago": ("{h} giờ trước", "{h} h ago"),
    "entered_by_staff": ("cán bộ nhập", "entered by staff"),
    "unknown": ("—", "—"),
    "unverified": ("Thông tin dưới đây CHƯA XÁC MINH", "Details below are NOT VERIFIED"),
    # Key hints
    "key_confirm": ("Xác nhận", "Confirm"),
    "key_override": ("Đổi KQ", "Override"),
    "key_manual": ("Khai tay", "Manual"),
    "key_history": ("Lịch sử", "History"),
    "key_camera": ("Cam", "Cam"),
    "key_reveal": ("Hiện số", "Reveal"),
    "key_preview": ("Hình", "Preview"),
    "key_language": ("EN", "VI"),
    "key_back": ("Quay lại", "Back"),
    "key_save": ("Lưu", "Save"),
    "key_pick": ("Chọn", "Pick"),
    "key_quit": ("Thoát", "Quit"),
    "key_next": ("Ô sau", "Next field"),
    "key_move": ("Di chuyển", "Move"),
    # Status bar
    "st_camera": ("CAM", "CAM"),
    "st_reader": ("ĐỌC", "READER"),
    "st_thermo": ("NHIỆT", "TEMP"),
    "st_link": ("MẠNG", "LINK"),
    "st_pending": ("{n} chờ", "{n} queued"),
    "st_policy": ("CS v{v}", "POL v{v}"),
    "st_policy_stale": ("⚠ CS CŨ v{v}", "⚠ OLD POLICY v{v}"),
    "st_trust": ("{name} {age}", "{name} {age}"),
    "st_trust_stale": ("{name} ⚠ {days} ngày", "{name} ⚠ {days} days"),
    "st_off": ("tắt", "off"),
    "st_down": ("HỎNG", "DOWN"),
    # Staff actions
    "confirm_done": ("Đã xác nhận kết quả", "Verdict confirmed"),
    "nothing_to_confirm": ("Chưa có lượt quét nào", "No scan yet"),
    "override_title": ("Đổi kết quả (bắt buộc ghi lý do)", "Override verdict (reason required)"),
    "override_reason": ("Lý do đổi", "Reason"),
    "override_reason_required": ("Phải ghi lý do đổi kết quả", "A reason is required"),
    "override_done": ("Đã ghi thay đổi kết quả", "Override recorded"),
    "reveal_done": ("Đã hiện số giấy tờ (có ghi nhật ký)", "ID revealed (logged)"),
    "manual_title": ("Khai báo thủ công", "Manual declaration"),
    "manual_cccd": ("Quét CCCD (hoặc gõ rồi Enter)", "Scan CCCD (or type, then Enter)"),
    "manual_name": ("Họ tên", "Full name"),
    "manual_id": ("Số CCCD/CMND", "ID number"),
    "manual_dob": ("Ngày sinh DDMMYYYY", "Birth date DDMMYYYY"),
    "manual_plate": ("Biển số xe", "Vehicle plate"),
    "manual_origin": ("Nơi đi", "Origin"),
    "manual_dest": ("Nơi đến", "Destination"),
    "manual_choose": ("Enter để chọn…", "Enter to choose…"),
    "manual_missing": ("Thiếu: {what}", "Missing: {what}"),
    "manual_bad_dob": ("Ngày sinh phải là DDMMYYYY", "Birth date must be DDMMYYYY"),
    "manual_cccd_read": ("Đã đọc CCCD: {name}", "CCCD read: {name}"),
    "manual_cccd_bad": ("CCCD không đọc được: {why}", "CCCD not readable: {why}"),
    "picker_title_origin": ("Chọn nơi đi (tỉnh, phường/xã hoặc mã nước)",
                            "Choose origin (province, ward or country code)"),
    "picker_title_dest": ("Chọn nơi đến (phường/xã)", "Choose destination (ward)"),
    "picker_search": ("Gõ để tìm…", "Type to search…"),
    "history_title": ("Lịch sử ca trực", "Shift history"),
    "history_search": ("Tìm theo tên, số, biển số, nơi…", "Search name, ID, plate, place…"),
    "col_time": ("Giờ", "Time"),
    "col_outcome": ("Kết quả", "Outcome"),
    "col_name": ("Họ tên", "Name"),
    "col_from": ("Từ", "From"),
    "col_temp": ("°C", "°C"),
    "total": ("Tổng", "Total"),
    "camera_title": ("Chọn camera", "Choose camera"),
    "camera_switched": ("Đã chuyển camera: {src}", "Camera switched: {src}"),
    "camera_failed": ("Không mở được camera {src}: {why}", "Cannot open camera {src}: {why}"),
    "journal_failed": ("KHÔNG GHI ĐƯỢC SỰ KIỆN: {why}", "EVENT NOT RECORDED: {why}"),
    "event_refused": ("KHÔNG LƯU ĐƯỢC (trung tâm sẽ không nhận: {why}): nhập tay (F4)",
                      "NOT KEPT (the center would refuse it: {why}): enter by hand (F4)"),
    "wedge_bad": ("Dòng máy đọc không dùng được ({why})", "Reader line not usable ({why})"),
    "device_failed": ("Thiết bị lỗi: {why}", "Device error: {why}"),
    "preview_off": ("Không có hình", "No picture"),
    # Scans that arrive while a dialog is open wait, and the dialog names its traveller
    "queue_badge": ("{n} lượt quét đang chờ, hiện sau khi đóng",
                    "{n} scan(s) waiting, shown when this closes"),
    "queue_short": ("{n} lượt chờ", "{n} scans waiting"),
    "queue_shown": ("{n} lượt quét chờ đã vào lịch sử (F5)",
                    "{n} waiting scans are in the history (F5)"),
    "dialog_for": ("Lượt quét: {who}", "Scan: {who}"),
    "manual_for": ("Đang nhập cho: {who}", "Entering for: {who}"),
    "no_name": ("không tên", "no name"),
    "fever_mark": ("SỐT {celsius} °C", "FEVER {celsius} °C"),
}


def t(key: str, lang: str, **values: object) -> str:
    """The text for `key` in `lang` ("vi" or "en"), with `{name}` fields filled in."""
    vi, en = STRINGS[key]
    text = en if lang == "en" else vi
    return text.format(**values) if values else text


def age_text(seconds: float, lang: str) -> str:
    """A short human age: '12 giây trước' / '3 min ago' / '5 h ago'."""
    if seconds < 90:
        return t("seconds_ago", lang, s=max(0, round(seconds)))
    if seconds < 90 * 60:
        return t("minutes_ago", lang, m=round(seconds / 60))
    return t("hours_ago", lang, h=round(seconds / 3600))


def short_age(seconds: float) -> str:
    """A compact age for the status bar: '12s', '3m', '5h', '2d'."""
    if seconds < 90:
        return f"{max(0, round(seconds))}s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)}m"
    if seconds < 48 * 3600:
        return f"{round(seconds / 3600)}h"
    return f"{round(seconds / 86400)}d"


VIETNAM_TIME = timezone(timedelta(hours=7), "ICT")


def clock_text(moment: datetime) -> str:
    """HH:MM:SS in Vietnam time, whatever the kiosk's own zone is set to."""
    return moment.astimezone(VIETNAM_TIME).strftime("%H:%M:%S")
