"""How a command says no: the problem in Vietnamese and English, with its reason code.

Commands whose answer is JSON end through `fail` (one `{"error", "reason"}` line on stdout);
commands that talk to people on stderr end through `complain` (`message [reason]`). Either way
the exit code is 2 and no traceback is shown.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from screening.words import t


def said(key: str, **values: object) -> str:
    """A command's message from the catalogue (`cli.<key>`) as it prints: "Vietnamese / English"."""
    return f"{t('cli.' + key, 'vi', **values)} / {t('cli.' + key, 'en', **values)}"


def fail(message: str, reason: str, **extra: Any) -> int:
    """Print `{"error": message, "reason": reason, ...}` as the last stdout line; exit code 2."""
    print(json.dumps({"error": message, "reason": reason, **extra}, ensure_ascii=False),
          flush=True)
    return 2


def complain(message: str, reason: str) -> int:
    """Print `message [reason]` on stderr; exit code 2."""
    print(f"{message} [{reason}]", file=sys.stderr, flush=True)
    return 2


def reason_of(exc: BaseException, default: str) -> str:
    """The reason code an exception carries (ConfigProblem, FileProblem…), else `default`."""
    reason = getattr(exc, "reason", None)
    return reason if isinstance(reason, str) and reason else default
