"""The daily report as CSV (for spreadsheets), Markdown (for messages) and HTML with a chart."""

from __future__ import annotations

from collections import Counter
from html import escape
from zoneinfo import ZoneInfo

from center.report import OUTCOMES, PROVINCE, DailyReport, Totals
from center.spreadsheet import safe_cell, spreadsheet_csv
from screening.places import province_name

COLUMNS: list[tuple[str, str, str]] = [
    ("post", "Chốt", "Post"),
    ("scans", "Lượt quét", "Scans"),
    ("clear", "Được qua", "Clear"),
    ("home_quarantine", "Cách ly tại nhà", "Home quarantine"),
    ("central_quarantine", "Cách ly tập trung", "Centralized quarantine"),
    ("medical_check", "Kiểm tra y tế", "Medical check"),
    ("rejected", "Từ chối", "Rejected"),
    ("incomplete", "Thiếu thông tin", "Incomplete"),
    ("fevers", "Sốt", "Fevers"),
    ("overrides", "Cán bộ sửa", "Staff overrides"),
    ("outages", "Số lần mất kết nối", "Outages"),
    ("outage_minutes", "Phút mất kết nối", "Outage minutes"),
]
# Colours follow the kiosk's verdict card, so the chart reads the same as the screens.
OUTCOME_COLOURS = {"clear": "#2e7d32", "home_quarantine": "#f9a825",
                   "central_quarantine": "#c62828", "medical_check": "#6a1b9a",
                   "rejected": "#424242", "incomplete": "#90a4ae"}
OUTCOME_LABELS = {key: (vi, en) for key, vi, en in COLUMNS if key in OUTCOMES}


def _row(totals: Totals) -> dict[str, str]:
    data = totals.to_json()
    row = {"post": "Toàn tỉnh / Province" if totals.post == PROVINCE else totals.post}
    for key, _vi, _en in COLUMNS[1:]:
        value = data["by_outcome"][key] if key in OUTCOMES else data[key]
        row[key] = str(value)
    return row


def _rows(report: DailyReport) -> list[dict[str, str]]:
    return [_row(t) for t in report.posts] + [_row(report.province_totals)]


def _title(report: DailyReport) -> tuple[str, str]:
    name = province_name(report.province) or report.province
    return (f"Báo cáo ngày {report.day.strftime('%d/%m/%Y')} — {name}",
            f"Daily report {report.day.isoformat()} — {name}")


def _as_of(report: DailyReport) -> str:
    return report.generated_at.astimezone(ZoneInfo(report.tz)).strftime("%H:%M %d/%m/%Y")


def to_csv(report: DailyReport) -> str:
    """One row per post and a province row; the header row is bilingual."""
    return spreadsheet_csv([
        ["date", *[key for key, _vi, _en in COLUMNS]],
        ["Ngày / Date", *[f"{vi} / {en}" for _k, vi, en in COLUMNS]],
        *([report.day.isoformat(), *[row[key] for key, _vi, _en in COLUMNS]]
          for row in _rows(report))])


def to_markdown(report: DailyReport) -> str:
    """A Markdown table per post with the province totals, then the outages."""
    vi, en = _title(report)
    lines = [f"# {vi}", f"*{en}* — lập lúc / as of {_as_of(report)} ({report.tz})", ""]
    lines.append("| " + " | ".join(f"{v} / {e}" for _k, v, e in COLUMNS) + " |")
    lines.append("|" + "---|" * len(COLUMNS))
    for row in _rows(report):
        lines.append("| " + " | ".join(row[key] for key, _v, _e in COLUMNS) + " |")
    lines += ["", "## Chứng nhận y tế nước ngoài / Foreign health certificates", ""]
    lines += [f"- {line}" for line in _certificate_lines(report)] or ["Không có / None"]
    lines += ["", "## Mất kết nối / Outages", ""]
    lines += _outage_lines(report) or ["Không có / None"]
    return "\n".join(lines) + "\n"


CERTIFICATE_TYPES = {"vaccination": "Tiêm chủng / Vaccination", "test": "Xét nghiệm / Test",
                     "recovery": "Khỏi bệnh / Recovery"}


def _certificate_lines(report: DailyReport) -> list[str]:
    """Province arrivals with a foreign certificate: type, issuing country, how many."""
    return [f"{CERTIFICATE_TYPES.get(row['type'], row['type'])}, "
            f"{row['country'] or 'không rõ nước / country unknown'}: {row['scans']}"
            for row in report.province_totals.to_json()["certificates"]]


def _outage_lines(report: DailyReport) -> list[str]:
    tz = ZoneInfo(report.tz)
    lines = []
    for outage in report.outages:
        start = outage.start.astimezone(tz).strftime("%H:%M")
        end = outage.end.astimezone(tz).strftime("%H:%M") if outage.end \
            else "chưa có lại / still down"
        lines.append(f"- {outage.post}: {start} → {end}")
    return lines


def to_html(report: DailyReport) -> str:
    """A standalone HTML page: the table, an inline SVG chart of scans per hour, outages."""
    vi, en = _title(report)
    head = "".join(f"<th>{escape(v)}<br><small>{escape(e)}</small></th>"
                   for _k, v, e in COLUMNS)
    # A post's id comes from the field, and spreadsheets open HTML tables too.
    body = "".join("<tr>" + "".join(f"<td>{escape(safe_cell(row[key]))}</td>"
                                    for key, _v, _e in COLUMNS)
                   + "</tr>" for row in _rows(report))
    outages = "".join(f"<li>{escape(safe_cell(line[2:]))}</li>"
                      for line in _outage_lines(report)) \
        or "<li>Không có / None</li>"
    certificates = "".join(f"<li>{escape(safe_cell(line))}</li>"
                           for line in _certificate_lines(report)) \
        or "<li>Không có / None</li>"
    return f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>{escape(vi)}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #999; padding: 4px 8px; text-align: right; }}
td:first-child, th:first-child {{ text-align: left; }}
tr:last-child {{ font-weight: bold; }}
</style></head><body>
<h1>{escape(vi)}</h1>
<p><em>{escape(en)}</em> — lập lúc / as of {escape(_as_of(report))} ({escape(report.tz)})</p>
<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>
<h2>Lượt quét theo giờ / Scans per hour</h2>
{hourly_svg(report.hourly)}
<h2>Chứng nhận y tế nước ngoài / Foreign health certificates</h2>
<ul>{certificates}</ul>
<h2>Mất kết nối / Outages</h2>
<ul>{outages}</ul>
</body></html>
"""


def hourly_svg(hourly: list[Counter[str]], width: int = 720, height: int = 240) -> str:
    """A stacked bar chart of scans per local hour by outcome, as inline SVG with a legend."""
    left, bottom, top = 40, 30, 10
    plot_h = height - bottom - top
    peak = max((sum(h.values()) for h in hourly), default=0) or 1
    bar_w = (width - left) / 24
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
             f'height="{height + 40}" role="img" aria-label="scans per hour">',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width}" y2="{top + plot_h}" '
             'stroke="#333"/>',
             f'<text x="{left - 4}" y="{top + 10}" text-anchor="end" font-size="10">'
             f'{peak}</text>']
    for hour, counts in enumerate(hourly):
        x = left + hour * bar_w
        y = float(top + plot_h)
        for outcome in OUTCOMES:
            n = counts[outcome]
            if not n:
                continue
            h = plot_h * n / peak
            y -= h
            parts.append(f'<rect class="bar {outcome}" x="{x + 1:.1f}" y="{y:.1f}" '
                         f'width="{bar_w - 2:.1f}" height="{h:.1f}" '
                         f'fill="{OUTCOME_COLOURS[outcome]}"><title>{hour:02d}h '
                         f'{outcome}: {n}</title></rect>')
        if hour % 3 == 0:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 14}" '
                         f'text-anchor="middle" font-size="10">{hour:02d}h</text>')
    for index, outcome in enumerate(OUTCOMES):
        x = left + index * (width - left) / len(OUTCOMES)
        vi, _en = OUTCOME_LABELS[outcome]
        parts.append(f'<rect x="{x:.1f}" y="{height + 8}" width="10" height="10" '
                     f'fill="{OUTCOME_COLOURS[outcome]}"/><text x="{x + 14:.1f}" '
                     f'y="{height + 17}" font-size="10">{escape(vi)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


FORMATS = {"csv": to_csv, "md": to_markdown, "html": to_html}
