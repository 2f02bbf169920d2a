"""How chot's long-running commands log: one format, and tracebacks without exception text.

Log lines name event ids, devices and reason codes, never a traveller's data. An exception
raised while handling an event may quote it (`int('0912…')`, a store's "Key (…)=(…)"), so a
traceback keeps its frames and the exception's type, not its message.
"""

from __future__ import annotations

import logging
import traceback
from types import TracebackType

FORMAT = "%(asctime)s %(name)s %(message)s"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


class PrivateTracebacks(logging.Formatter):
    """A formatter whose tracebacks show where and what type, never the exception's text."""

    def formatException(self, ei: ExcInfo) -> str:  # noqa: N802 - logging's name
        """The frames of the exception and of those it came from, each with its type only."""
        exc = ei[1]
        parts: list[str] = []
        while exc is not None:
            frames = "".join(traceback.format_tb(exc.__traceback__))
            parts.insert(0, f"Traceback (most recent call last):\n{frames}"
                            f"{type(exc).__module__}.{type(exc).__qualname__}"
                            " (message not logged)")
            exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
        return "\n\nwhich led to:\n\n".join(parts)


def configure_logging(level: str, filename: str | None = None) -> None:
    """Log at `level` (a name: DEBUG, INFO…) to stderr, or to `filename`."""
    handler: logging.Handler = logging.FileHandler(filename, encoding="utf-8") if filename \
        else logging.StreamHandler()
    handler.setFormatter(PrivateTracebacks(FORMAT))
    logging.basicConfig(level=level.upper(), handlers=[handler])

