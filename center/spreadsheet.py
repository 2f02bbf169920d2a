"""Cells a spreadsheet opens as text, never as a formula (CSV and HTML exports).

A traveller writes their own name: a CCCD QR holding `=HYPERLINK(…)` would otherwise run as a
formula when a ward officer opens the arrivals list. OWASP's advice, plus the look-alikes a
spreadsheet folds to the same characters (full-width ＝＋－＠ and other compatibility forms).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence

FORMULA_STARTS = frozenset("=+-@")
CONTROL_STARTS = frozenset("\t\r\n")


def safe_cell(text: str) -> str:
    """`text`, or `'text` when a spreadsheet would read it as a formula."""
    if not text:
        return text
    if text[0] in CONTROL_STARTS:
        return "'" + text
    # Leading spaces do not stop every spreadsheet from reading a formula behind them.
    first = text.lstrip(" \u3000")[:1]
    if first and unicodedata.normalize("NFKC", first)[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def spreadsheet_csv(rows: Iterable[Sequence[str]]) -> str:
    """CSV text of rows, every cell through safe_cell.

    Lines end in CRLF (RFC 4180): with that terminator the csv module quotes a cell holding
    a lone CR, which with "\\n" it leaves bare and a spreadsheet then splits the row at.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()
