"""The shape of a word table: key → (Vietnamese, English)."""

from __future__ import annotations

Words = dict[str, tuple[str, str]]
