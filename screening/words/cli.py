"""The command line's own messages (`chot sensor …`), Vietnamese first, then English."""

from __future__ import annotations

from screening.words.table import Words

SENSOR: Words = {
    "port_unavailable": ("Không mở được cổng {port}", "Could not open port {port}"),
    "no_answer": ("Thiết bị ở {port} không trả lời", "No answer from the node on {port}"),
    "protocol_mismatch": ("Thiết bị ở {port} dùng giao thức khác (firmware {firmware}, "
                          "giao thức {protocol})",
                          "The node on {port} speaks another protocol (firmware {firmware}, "
                          "protocol {protocol})"),
    "timeout": ("Chỉ nhận được {got}/{count} lần đo trong {timeout} giây",
                "Only {got} of {count} readings within {timeout} s"),
    "not_acknowledged": ("Thiết bị ở {port} không xác nhận lệnh",
                         "The node on {port} did not acknowledge the command"),
}

# The commands' messages (chot.failure.said prints them as "Vietnamese / English").
CLI: Words = {
    "center_key_unusable": ("Khoá công khai của trung tâm không dùng được",
                            "center public key not usable (center_keys)"),
    "bad_setup": ("Cấu hình sai", "bad setup"),
    "bad_config": ("Cấu hình sai", "bad config"),
    "skipped": ("Bỏ qua", "skipped"),
    "cannot_start": ("Không khởi động được", "cannot start"),
    "config_missing": ("Thiếu --config", "--config is required"),
    "bad_date": ("Ngày không hợp lệ", "bad --date"),
    "cannot_read_file": ("Không đọc được tệp", "cannot read a file"),
    "cannot_write": ("Không ghi được", "cannot write"),
    "file_not_usable": ("Tệp không dùng được", "file not usable"),
    "cannot_import": ("Không nhập được", "cannot import"),
    "postgres_missing": ("Thiếu PostgreSQL", "PostgreSQL missing"),
    "mosquitto_failed": ("không chạy được mosquitto", "mosquitto did not start"),
    "port_in_use": ("Cổng {host}:{port} đang được dùng", "port {host}:{port} is already in use"),
    "cannot_listen": ("Không mở được cổng {host}:{port}", "cannot listen on {host}:{port}"),
    "no_terminal": ("Bảng điều khiển cần một terminal: dùng --headless hoặc --serve",
                    "the dashboard needs a terminal: use --headless or --serve"),
    # Arguments out of range
    "events_positive": ("--events phải dương", "--events must be positive"),
    "events_rate_non_negative": ("--events và --rate phải >= 0", "must be >= 0"),
    "minutes_kiosks_rate_positive": ("--minutes, --kiosks, --rate phải > 0", "must be > 0"),
    "small_large_states": ("--small, --large, --states phải ≥ 5", "must be at least 5"),
    "history_recent": ("--history: số ≥ 0 cách nhau bởi dấu phẩy; --recent ≥ 1",
                       "--history: comma-separated counts ≥ 0; --recent ≥ 1"),
    "counts_non_negative": ("Số ảnh phải >= 0", "counts must be >= 0"),
    "fetched_at_not_iso": ("--fetched-at phải là thời gian ISO",
                           "--fetched-at must be an ISO time"),
    # Documents a command reads
    "declaration_invalid": ("Tờ khai không hợp lệ", "invalid declaration"),
    "into_policy_invalid": ("Chính sách --into không hợp lệ", "the --into policy is invalid"),
    "value_set_invalid": ("Bộ giá trị không hợp lệ", "invalid value set"),
    "rule_invalid": ("Quy tắc không hợp lệ, không nhập gì", "invalid rule, nothing imported"),
    "policy_would_be_invalid": ("Chính sách sau khi nhập không hợp lệ",
                                "the policy would be invalid"),
    "case_invalid": ("Ca kiểm thử không hợp lệ", "invalid test case"),
    "corpus_not_found": ("Không thấy thư mục ảnh", "corpus folder not found"),
    "issuer_keys_elsewhere": ("Khoá đơn vị cấp tờ khai thuộc 'issuers' của --into, không nhập "
                              "ở đây",
                              "declaration issuer keys belong in --into's 'issuers', not here"),
    "unknown_province": ("Không có tỉnh mã {province}", "no province has code {province}"),
    "unknown_ward": ("Mã phường/xã không tồn tại", "unknown ward code"),
    "key_missing": ("Thiếu khoá ký: --key hoặc [publish] key",
                    "no signing key: --key or [publish] key"),
    "wrong_province": ("Chính sách của tỉnh {policy}, trung tâm của tỉnh {center}",
                       "policy is for province {policy}, this center is {center}"),
    # Simulators, benchmarks and tools
    "bad_size_fps": ("Tham số sai", "bad --size, --fps or --every (e.g. --size 1280x720 --fps 30)"),
    "cannot_listen_port": ("Không mở được cổng", "cannot listen"),
    "at_not_iso": ("--at phải là thời gian ISO", "--at must be an ISO time"),
    "code_or_image": ("Cần đúng một: CODE hoặc --image", "give exactly one of CODE or --image"),
    "bad_camera_size": ("Kích thước camera sai", "bad --camera-size, e.g. 1280x720"),
    "run_failed": ("Không chạy được kịch bản", "the run failed"),
    "key_and_json": ("Cần --key và --json", "--key and --json are required (or --example)"),
    "signing_key_unusable": ("Khoá ký không dùng được", "signing key not usable"),
    "duration_positive": ("Thời lượng phải dương", "--duration must be positive"),
    "demo_failed": ("Không chạy được bản demo", "the demo failed"),
    "duration_calm_rate_positive": ("--duration, --calm, --rate phải > 0", "must be > 0"),
    "gateway_bench_positive": ("--events, --backlog, --latency-events, --rate phải > 0",
                               "must be > 0"),
    "presentations_positive": ("--presentations phải > 0", "must be > 0"),
    "choose_device": ("Chọn thiết bị", "choose a device"),
    "virtual_device_failed": ("Không tạo được thiết bị ảo", "could not create the virtual device"),
    "baud_too_low": ("Tốc độ baud quá thấp", "--baud must be at least 1200"),
    "firmware_type_check": ("Firmware chưa qua kiểm tra kiểu ({errors} lỗi)",
                            "firmware failed the MicroPython type check ({errors} errors)"),
    "firmware_deploy_failed": ("Không chép được firmware vào {port}",
                               "Could not deploy firmware to {port}"),
    # What commands print beside their answer
    "bad_argument": ("Tham số sai", "bad argument"),
    "keys_exist": ("Khoá đã có, không ghi đè", "keys exist, not overwriting"),
    "cannot_create_folder": ("không tạo được thư mục", "cannot create the folder"),
    "quarantine_line": ("Cách ly", "quarantine"),
    "notify_ward": ("Báo phường/xã", "notify ward"),
    "result": ("Kết quả", "result"),
    "error": ("lỗi", "error"),
    "expected": ("cần", "expected"),
    "passed": ("đạt", "passed"),
    "failed": ("không đạt", "failed"),
    "long_validity": ("Cảnh báo: hiệu lực dài hơn {limit}, chính sách mặc định sẽ từ chối",
                      "warning: valid for longer than {limit}, kiosks on the default policy "
                      "will reject it"),
}
