"""Text from outside: is it Unicode that can be shown, stored and signed, and a safe excerpt."""

from __future__ import annotations

import json
import re
import unicodedata

# Lone surrogates: what Python makes of bytes that were not UTF-8 (argv, surrogateescape)
# and what JSON's "\udfff" escape decodes to. No encoder, screen or database accepts them.
SURROGATE_RE = re.compile("[\ud800-\udfff]")


def is_scalar_text(text: str) -> bool:
    """True when every character is a Unicode scalar value (no lone surrogates)."""
    return SURROGATE_RE.search(text) is None


def shown_text(text: str) -> str:
    """The text with each lone surrogate replaced by U+FFFD, safe to print or store."""
    return SURROGATE_RE.sub("\ufffd", text)


# Controls (ESC starts terminal escape sequences), format characters (bidi overrides reorder
# what is shown), surrogates and line/paragraph separators.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def printable(text: str) -> str:
    """The text with every control, format or separator character written as its escape
    (ESC → \\x1b), so a forged name cannot drive the terminal it is printed on."""
    return "".join(_escaped(ch) if unicodedata.category(ch) in _HIDDEN_CATEGORIES else ch
                   for ch in text)


def _escaped(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 \
        else f"\\U{code:08x}"


def printable_json(document: str) -> str:
    """JSON text with the same characters written as JSON escapes (`\\u009b`): the same
    document to a parser, nothing a terminal obeys."""
    return "".join(json.dumps(ch)[1:-1] if unicodedata.category(ch) in _HIDDEN_CATEGORIES
                   else ch for ch in document)
