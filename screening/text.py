"""Text from outside: is it Unicode that can be shown, stored and signed, and a safe excerpt."""

from __future__ import annotations

import re

# Lone surrogates: what Python makes of bytes that were not UTF-8 (argv, surrogateescape)
# and what JSON's "\udfff" escape decodes to. No encoder, screen or database accepts them.
SURROGATE_RE = re.compile("[\ud800-\udfff]")


def is_scalar_text(text: str) -> bool:
    """True when every character is a Unicode scalar value (no lone surrogates)."""
    return SURROGATE_RE.search(text) is None


def shown_text(text: str) -> str:
    """The text with each lone surrogate replaced by U+FFFD, safe to print or store."""
    return SURROGATE_RE.sub("\ufffd", text)
