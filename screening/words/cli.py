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
