"""Device problems and link states, by the codes and fixed texts drivers and links report."""

from __future__ import annotations

from screening.words.table import Words

DEVICES: Words = {
    # Fixed texts of the kiosk's ports
    "post broker unreachable": ("không tới được máy chủ của chốt", "post broker unreachable"),
    "no port": ("chưa có cổng", "no port"),
    "connecting": ("đang kết nối", "connecting"),
    "starting": ("đang khởi động", "starting"),
    "ended": ("đã hết hình", "ended"),
    "unplugged": ("đã rút ra", "unplugged"),
    "no answer": ("không trả lời", "no answer"),
    "no heartbeat": ("mất tín hiệu", "no heartbeat"),
    # The QR reader (hardware.qr_reader)
    "reader not answering / đầu đọc không phản hồi": ("đầu đọc không phản hồi",
                                                     "reader not answering"),
    # The thermometer node's faults (hardware.thermometer_session)
    "thermometer_bad_pec": ("cảm biến nhiệt gửi sai (PEC)", "thermometer sent a bad PEC"),
    "thermometer_error_flag": ("cảm biến nhiệt báo lỗi", "thermometer error flag"),
    "thermometer_bus": ("lỗi bus cảm biến nhiệt", "thermometer bus error"),
    "proximity_bus": ("lỗi bus cảm biến khoảng cách", "proximity sensor bus error"),
    "proximity_error": ("cảm biến khoảng cách báo lỗi", "proximity sensor error"),
    "out_of_range": ("nhiệt độ đo ngoài khoảng", "reading out of range"),
    # Why a post or kiosk went offline (its retained state's `reason`)
    "connection_lost": ("mất kết nối", "connection lost"),
    "stopped": ("đã tắt", "stopped"),
    # Why a keyboard-wedge line is not a code (hardware.wedge)
    "empty": ("dòng trống", "empty line"),
    "not_hex": ("không phải dạng hex", "not hex"),
    "not_utf8": ("không phải UTF-8", "not UTF-8"),
    "control_characters": ("có ký tự điều khiển", "control characters"),
    # A scanned code that is not a CCCD, in the manual form
    "declaration": ("đây là tờ khai, không phải CCCD", "a declaration, not a CCCD"),
    "certificate": ("đây là chứng nhận, không phải CCCD", "a certificate, not a CCCD"),
    "unsupported": ("mã không được hỗ trợ", "unsupported code"),
    # Texts with a value (matched in kiosk_ui.device_words)
    "no_frame": ("không có hình {s} giây", "no frame for {s} s"),
    "cannot_open": ("không mở được {src}", "cannot open {src}"),
    "stopped_sending": ("{src} ngừng gửi hình", "{src} stopped sending frames"),
}
