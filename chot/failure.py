"""How a command says no: one JSON line naming the problem in both languages and its reason code.

Every command ends a config, file or argument mistake through `fail`, so scripts read the
same `{"error", "reason"}` object from each and people read Vietnamese and English.
"""

from __future__ import annotations

import json
from typing import Any


def fail(message: str, reason: str, **extra: Any) -> int:
    """Print `{"error": message, "reason": reason, ...}` as the last stdout line; exit code 2."""
    print(json.dumps({"error": message, "reason": reason, **extra}, ensure_ascii=False),
          flush=True)
    return 2
