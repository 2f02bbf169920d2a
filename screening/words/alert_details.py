"""Alert details by code (an alert's `detail_code`, filled in from its `detail_args`), and why
the center quarantined a message, in words."""

from __future__ import annotations

from screening.words.table import Words

ALERT_DETAILS: Words = {
    "temperature": ("{temperature_c:.1f} °C", "{temperature_c:.1f} °C"),
    "fever_unmeasured": ("sốt (không có số đo)", "fever (no reading)"),
    "rejected": ("{reason}", "{reason}"),
    "link_reason": ("{link}", "{link}"),
    "settled": ("ổn định lại sau khi chập chờn", "settled after flapping"),
    "held_back": ("{count} bản tin bị hoãn; chốt sẽ gửi lại",
                  "{count} messages held back; the gateway resends them"),
    "flapping": ("{changes} lần đổi trong {window_s:.0f} giây; các lần sau chỉ báo khi "
                 "kết nối ổn định",
                 "{changes} changes in {window_s:.0f} s; further ones are held until it "
                 "keeps still"),
    "forgotten_kiosk": ("chốt {post} có nhiều thiết bị hơn mức được học: quên máy quét "
                        "{kiosk} (hãy khai báo danh sách máy)",
                        "more devices than learnt at post {post}: {kiosk} forgotten "
                        "(set a registry)"),
    "forgotten_gateway": ("chốt {post} có nhiều thiết bị hơn mức được học: quên bộ chuyển "
                          "tiếp (hãy khai báo danh sách máy)",
                          "more devices than learnt at post {post}: gateway forgotten "
                          "(set a registry)"),
    "clock_off": ("đồng hồ lệch {skew_s:+.0f} giây so với trung tâm",
                  "clock {skew_s:+.0f} s from the center's"),
    "event_ahead": ("giờ sự kiện sớm hơn trung tâm {ahead_s:.0f} giây",
                    "event time {ahead_s:.0f} s ahead of the center"),
    "sequence_gap": ("thiếu số {lo}-{hi} ({missing}) đã {open_s:.0f} giây",
                     "seq {lo}-{hi} missing ({missing}) for {open_s:.0f} s"),
    "quarantined": ("{quarantine}: {text}", "{quarantine}: {text}"),
    "device_alarm": ("{alarm}", "{alarm}"),
    "about_kiosk": ("máy quét {kiosk}", "kiosk {kiosk}"),
}

QUARANTINE: Words = {
    "too_large": ("bản tin quá lớn", "message too large"),
    "malformed_json": ("không đọc được JSON", "malformed JSON"),
    "not_an_object": ("không phải đối tượng JSON", "not a JSON object"),
    "unknown_schema": ("phiên bản bản tin không hỗ trợ", "unknown schema"),
    "invalid_event": ("sự kiện không hợp lệ", "invalid event"),
    "topic_mismatch": ("nội dung không khớp chủ đề", "payload does not match its topic"),
    "unknown_post": ("chốt không có trong danh sách", "unknown post"),
    "unknown_kiosk": ("máy quét chưa đăng ký tại chốt", "kiosk not registered at the post"),
    "too_many_kiosks": ("chốt có quá nhiều máy quét", "too many kiosks at the post"),
    "bad_time": ("thời gian không dùng được", "unusable time"),
    "flood": ("gửi quá nhiều sự kiện", "too many events"),
}
