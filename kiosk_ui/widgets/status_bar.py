"""The status line: the policy in force, the age of each foreign trust list, camera, reader,
thermometer and gateway link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from kiosk_ui.device_words import device_detail
from kiosk_ui.ports import OFF, DeviceHealth, PendingStatus
from kiosk_ui.time_text import short_age
from screening.certificates import CertificateTrust
from screening.words import t


@dataclass(frozen=True)
class TrustListAge:
    """One foreign trust list the kiosk holds (DSCs, SMART issuers), its age and whether it
    is older than the policy allows (its codes are then refused as trust_stale)."""

    name: str
    age_s: float | None
    stale: bool


TRUST_LIST_NAMES = {"hcert": "DS", "shc": "SHC"}


def trust_list_ages(trust: CertificateTrust, now: datetime,
                    max_age_s: float) -> tuple[TrustListAge, ...]:
    """Per framework, the age of its oldest entry; a list of unknown age is stale."""
    ages: dict[str, list[float | None]] = {}
    for entry in trust.entries:
        age = trust.age(entry, now)
        name = TRUST_LIST_NAMES.get(str(entry.framework), str(entry.framework))
        ages.setdefault(name, []).append(None if age is None else age.total_seconds())
    out = []
    for name, seen in ages.items():
        known = [age for age in seen if age is not None]
        oldest = max(known) if len(known) == len(seen) else None
        out.append(TrustListAge(name, oldest, oldest is None or oldest > max_age_s))
    for framework in trust.revocation.fetched_at:  # revocation lists (TH: thu hồi) age alike
        age = trust.revocation.age(framework, now)
        seconds = None if age is None else age.total_seconds()
        out.append(TrustListAge("TH-" + TRUST_LIST_NAMES.get(str(framework), str(framework)),
                                seconds, seconds is None or seconds > max_age_s))
    return tuple(out)


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
    trust_lists: tuple[TrustListAge, ...] = ()
    trust_skipped: int = 0  # malformed trust entries left out (the rest still work)


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


def _trust_list(trust: TrustListAge, lang: str) -> Text:
    if trust.stale:
        days = "?" if trust.age_s is None else round(trust.age_s / 86400)
        return Text(f" {t('st_trust_stale', lang, name=trust.name, days=days)} ",
                    style="bold white on red")
    age = short_age(trust.age_s or 0)
    return Text(f" {t('st_trust', lang, name=trust.name, age=age)} ", style=STYLES["ok"])


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
    for trust in snap.trust_lists:
        text.append_text(_trust_list(trust, lang))
    if snap.trust_skipped:
        text.append(f" {t('st_trust_skipped', lang, n=snap.trust_skipped)} ",
                    style="bold white on red")
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
    return [f"{t(label, lang)}: "
            f"{device_detail(now.detail, lang) if now.detail else t('st_down', lang)}"
            for label, was, now in parts if now.state == "down" and was.state != "down"]


class StatusBar(Static):
    """The status line at the bottom of the main screen."""

    def show(self, snap: StatusSnapshot, lang: str) -> None:
        """Render a snapshot."""
        self.set_class(snap.policy_stale, "-stale")
        self.update(status_text(snap, lang), layout=False)
