"""The status line: camera, reader, thermometer, gateway link and the policy in force."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from kiosk_ui.i18n import short_age, t
from kiosk_ui.ports import OFF, DeviceHealth, PendingStatus


@dataclass(frozen=True)
class StatusSnapshot:
    """Everything the status bar shows, gathered off the UI thread."""

    camera: DeviceHealth
    reader: DeviceHealth
    thermometer: DeviceHealth
    link: DeviceHealth
    pending: PendingStatus
    policy_version: int
    policy_issued_at: datetime | None
    policy_stale: bool
    taken_at: datetime


EMPTY_STATUS = StatusSnapshot(OFF, OFF, OFF, OFF, PendingStatus(0, None), 0, None, False,
                              datetime(2000, 1, 1))

STYLES = {"ok": "black on green", "down": "bold white on red", "off": "black on grey50"}


def _device(label: str, health: DeviceHealth, lang: str, fps: bool = False) -> Text:
    if health.state == "ok":
        word = f"✔{health.fps:.0f}fps" if fps and health.fps else "✔"
    elif health.state == "down":
        word = f"✖{t('st_down', lang)}"
    else:
        word = f"–{t('st_off', lang)}"
    return Text(f" {label} {word} ", style=STYLES[health.state])


def status_text(snap: StatusSnapshot, lang: str) -> Text:
    """One line that fits 80 columns, the policy first so a stale warning is never cut off.

    Each part has a mark and a word as well as a colour.
    """
    text = Text(no_wrap=True, overflow="ellipsis")
    age = "" if snap.policy_issued_at is None else \
        " " + short_age((snap.taken_at - snap.policy_issued_at).total_seconds())
    if snap.policy_stale:
        text.append(f" {t('st_policy_stale', lang, v=snap.policy_version)}{age} ",
                    style="bold white on red")
    else:
        text.append(f" {t('st_policy', lang, v=snap.policy_version)}{age} ",
                    style=STYLES["ok"])
    for label, health, fps in ((t("st_camera", lang), snap.camera, True),
                               (t("st_reader", lang), snap.reader, False),
                               (t("st_thermo", lang), snap.thermometer, False)):
        text.append_text(_device(label, health, lang, fps))
    link = _device(t("st_link", lang), snap.link, lang)
    pending = snap.pending
    if pending.count:
        age = "" if pending.oldest_age_s is None else f"·{short_age(pending.oldest_age_s)}"
        link.append(t("st_pending", lang, n=pending.count) + age + " ",
                    style=STYLES[snap.link.state])
    text.append_text(link)
    return text


def newly_down(before: StatusSnapshot, after: StatusSnapshot, lang: str) -> list[str]:
    """'CAM: unplugged' for each device that was not down before and is now."""
    parts = [("st_camera", before.camera, after.camera),
             ("st_reader", before.reader, after.reader),
             ("st_thermo", before.thermometer, after.thermometer),
             ("st_link", before.link, after.link)]
    return [f"{t(label, lang)}: {now.detail or t('st_down', lang)}"
            for label, was, now in parts if now.state == "down" and was.state != "down"]


class StatusBar(Static):
    """The status line at the bottom of the main screen."""

    def show(self, snap: StatusSnapshot, lang: str) -> None:
        """Render a snapshot."""
        self.set_class(snap.policy_stale, "-stale")
        self.update(status_text(snap, lang), layout=False)
