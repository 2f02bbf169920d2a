"""Text from a code printed on a terminal: its control characters are shown as escapes."""

from __future__ import annotations

import json
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from screening.text import printable, printable_json

HIDDEN = {"Cc", "Cf", "Cs", "Zl", "Zp"}


@given(st.text())
def test_printable_text_holds_no_control_and_keeps_everything_else(text):
    shown = printable(text)
    assert not [ch for ch in shown if unicodedata.category(ch) in HIDDEN]
    if not [ch for ch in text if unicodedata.category(ch) in HIDDEN]:
        assert shown == text  # nothing visible is ever changed


def test_vietnamese_stays_and_escapes_are_spelled_out():
    assert printable("Nguyễn Văn Ánh") == "Nguyễn Văn Ánh"
    assert printable("A\x1b[2JB\u202eC\x9b\u2028") == "A\\x1b[2JB\\u202eC\\x9b\\u2028"


@given(st.recursive(st.text() | st.integers() | st.none(),
                    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_printable_json_is_the_same_document_with_nothing_hidden(document):
    shown = printable_json(json.dumps(document, ensure_ascii=False))
    assert not [ch for ch in shown if unicodedata.category(ch) in HIDDEN]
    assert json.loads(shown) == document
