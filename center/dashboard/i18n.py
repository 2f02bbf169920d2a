"""Every word the dashboard shows, in Vietnamese (the default) and English."""

from __future__ import annotations

LANGUAGES = ("vi", "en")

STRINGS: dict[str, tuple[str, str]] = {
    "store_down": ("Không đọc được kho dữ liệu — đang hiện số liệu lần trước",
                   "Cannot read the store — showing the last figures"),
    "broker_down": ("TRUNG TÂM MẤT KẾT NỐI BROKER từ {since} — chưa rõ trạng thái các chốt",
                    "CENTER LOST ITS BROKER at {since} — posts' status unknown"),
    "title": ("TRUNG TÂM GIÁM SÁT — {province}", "PROVINCIAL MONITORING CENTER — {province}"),
    "posts": ("Chốt kiểm soát", "Posts"),
    "kiosks": ("Máy quét", "Kiosks"),
    "alerts": ("Cảnh báo", "Alerts"),
    "hourly": ("Lượt quét theo giờ hôm nay", "Scans per hour today"),
    "posts_tab": ("Chốt kiểm soát", "Posts"),
    "kiosks_tab": ("Máy quét", "Kiosks"),
    "alerts_tab": ("Cảnh báo", "Alerts"),
    "hourly_tab": ("Theo giờ", "By hour"),
    "totals": ("Hôm nay", "Today"),
    "post": ("Chốt", "Post"),
    "kiosk": ("Máy", "Kiosk"),
    "status": ("Trạng thái", "Status"),
    "online": ("TRỰC TUYẾN", "ONLINE"),
    "offline": ("MẤT KẾT NỐI", "OFFLINE"),
    "unreachable": ("KHÔNG RÕ (chốt mất mạng)", "UNKNOWN (post offline)"),
    "backlog": ("Tồn", "Backlog"),
    "backlog_oldest": ("Tồn (cũ nhất)", "Backlog (oldest)"),
    "kiosks_online": ("Máy", "Kiosks"),
    "scans_today": ("Quét", "Scans"),
    "policy": ("Chính sách", "Policy"),
    "trust": ("DS tin cậy", "Trust list"),
    "alarms": ("Sự cố", "Alarms"),
    "lagging": ("CHƯA CẬP NHẬT", "BEHIND"),
    "up_to_date": ("đã cập nhật", "up to date"),
    "rollout": ("Chính sách v{policy} — {done}/{total} máy đã nhận",
                "Policy v{policy} — {done}/{total} kiosks have it"),
    "trust_rollout": ("DS tin cậy v{trust} — {done}/{total}",
                      "Trust list v{trust} — {done}/{total}"),
    "rollout_none": ("Chưa phát hành chính sách", "No policy published yet"),
    "time": ("Giờ", "Time"),
    "kind": ("Loại", "Kind"),
    "where": ("Nơi", "Where"),
    "detail": ("Chi tiết", "Detail"),
    "no_alerts": ("Không có cảnh báo", "No alerts"),
    "fevers": ("Sốt", "Fevers"),
    "quarantined": ("Bản tin lỗi", "Bad messages"),
    "stored": ("Đã lưu", "Stored"),
    "outcome_clear": ("Được qua", "Clear"),
    "outcome_home_quarantine": ("Cách ly nhà", "Home q."),
    "outcome_central_quarantine": ("Cách ly TT", "Central q."),
    "outcome_medical_check": ("Y tế", "Medical"),
    "outcome_rejected": ("Từ chối", "Rejected"),
    "outcome_incomplete": ("Thiếu TT", "Incomplete"),
}


def t(key: str, lang: str = "vi", **values: object) -> str:
    """The string `key` in `lang`, with `{name}` fields filled from `values`."""
    vi, en = STRINGS[key]
    return (en if lang == "en" else vi).format(**values)


def age(seconds: float | None, lang: str = "vi") -> str:
    """A short age such as '42 s', '5 ph' / '5 min', '3 g' / '3 h'; '—' when unknown."""
    if seconds is None:
        return "—"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} {'min' if lang == 'en' else 'ph'}"
    return f"{seconds / 3600:.1f} {'h' if lang == 'en' else 'g'}"
