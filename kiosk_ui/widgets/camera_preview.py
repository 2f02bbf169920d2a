"""The camera preview: a downscaled frame drawn with half-block characters, two pixels a cell."""

from __future__ import annotations

from typing import Any

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from screening.words import t


def frame_to_text(frame: Any, width: int, height: int) -> Text:
    """Downscale a BGR frame to width × 2·height pixels and draw each cell as '▀'."""
    import numpy as np

    # Nearest-pixel sampling: enough to help a traveller aim, and no OpenCV import.
    rows = np.linspace(0, frame.shape[0] - 1, height * 2).astype(int)
    cols = np.linspace(0, frame.shape[1] - 1, width).astype(int)
    small = frame[rows][:, cols]
    text = Text(no_wrap=True, overflow="crop")
    for row in range(height):
        top, bottom = small[2 * row], small[2 * row + 1]
        for col in range(width):
            tb, tg, tr = (int(v) for v in top[col])
            bb, bg, br = (int(v) for v in bottom[col])
            text.append("▀", Style(color=f"rgb({tr},{tg},{tb})", bgcolor=f"rgb({br},{bg},{bb})"))
        if row < height - 1:
            text.append("\n")
    return text


class CameraPreview(Static):
    """The optional preview panel; hidden until staff turn it on."""

    def show_frame(self, picture: Text | None, lang: str) -> None:
        """Show a drawn frame, or say there is no picture."""
        self.update(picture if picture is not None else Text(t("preview_off", lang)))
