"""The strict CBOR reader (screening/cbor_strict.py) with the room foreign certificates need.

Issuers abroad encode with many libraries: some write indefinite lengths or floats, and CWT
times are 64-bit. Tags stay refused unless named (COSE_Sign1, CWT, dates), so a hostile code
still costs at most a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from typing import Any

from screening import cbor_strict
from screening.cbor_strict import CborError, Tagged

MAX_ITEMS = 4096
LIMITS = cbor_strict.Limits(max_depth=16, max_items=MAX_ITEMS, max_string=65536,
                            max_int=2**64, floats=True, indefinite=True)

__all__ = ["LIMITS", "CborError", "Tagged", "loads"]


def loads(data: bytes, tags: Collection[int] = (), max_items: int = MAX_ITEMS) -> Any:
    """Decode exactly one CBOR item filling `data`; raises CborError on anything else."""
    return cbor_strict.loads(data, replace(LIMITS, max_items=max_items), tags)
