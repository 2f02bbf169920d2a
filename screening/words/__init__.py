"""The one catalogue of words: every text a screen, a message or a report shows, in
Vietnamese (the default) and English, looked up by key with `t`.

Pure data in the pure core, so every layer above may import it: the kiosk, the dashboard,
the relay, the CLI and the reason texts of the core itself. Device drivers (`hardware/`)
and the firmware speak in codes that the layers above put into words. The tables are split
by who shows them (`kiosk.py`, `dashboard.py`); reason codes and outcomes keep their words
beside their enums (`screening.reasons`, `screening.verdict`) and are reachable here as
`reason.<code>`, `reason.certificate.<code>` and `outcome.<outcome>`; alarm codes
(`alarms.py`) as `alarm.<code>`, device problems and link states (`devices.py`) as
`device.<code>`; the command line's messages (`cli.py`) as `sensor.<code>` and
`cli.<code>`; alert details (`alert_details.py`) as `alert.detail.<code>`, filled in by
`alert_detail`, and why a message was quarantined as `quarantine.<code>`.
"""

from __future__ import annotations

from screening.reasons import CERTIFICATE_MESSAGES, MESSAGES
from screening.verdict import OUTCOME_LABELS
from screening.words.alarms import ALARMS, ALARMS_SHORT
from screening.words.alert_details import ALERT_DETAILS, QUARANTINE
from screening.words.cli import CLI, SENSOR
from screening.words.dashboard import DASHBOARD
from screening.words.devices import DEVICES
from screening.words.kiosk import KIOSK
from screening.words.table import Words

LANGUAGES = ("vi", "en")


def _merge(*tables: Words) -> Words:
    merged: Words = {}
    for table in tables:
        clash = merged.keys() & table.keys()
        if clash:  # a key means one thing everywhere
            raise ValueError(f"word keys defined twice: {sorted(clash)}")
        merged.update(table)
    return merged


WORDS: Words = _merge(
    KIOSK,
    DASHBOARD,
    {f"reason.{code}": words for code, words in MESSAGES.items()},
    {f"reason.certificate.{code}": words for code, words in CERTIFICATE_MESSAGES.items()},
    {f"outcome.{outcome}": words for outcome, words in OUTCOME_LABELS.items()},
    {f"alarm.{code}": words for code, words in ALARMS.items()},
    {f"alarm.short.{code}": words for code, words in ALARMS_SHORT.items()},
    {f"device.{code}": words for code, words in DEVICES.items()},
    {f"sensor.{code}": words for code, words in SENSOR.items()},
    {f"cli.{code}": words for code, words in CLI.items()},
    {f"alert.detail.{code}": words for code, words in ALERT_DETAILS.items()},
    {f"quarantine.{code}": words for code, words in QUARANTINE.items()},
)


def t(key: str, lang: str = "vi", **values: object) -> str:
    """The text for `key` in `lang` ("vi" or "en"), with `{name}` fields filled in."""
    vi, en = WORDS[key]
    text = en if lang == "en" else vi
    return text.format(**values) if values else text


def both(key: str, **values: object) -> dict[str, str]:
    """The text in both languages, as JSON messages carry it: {"vi": …, "en": …}."""
    return {lang: t(key, lang, **values) for lang in LANGUAGES}


def known(key: str) -> bool:
    """Whether the catalogue has words for `key`."""
    return key in WORDS


# Values of an alert detail that are themselves codes, and where their words are.
_CODED_ARGS = {"reason": ("reason.", "reason.certificate."), "link": ("device.",),
               "quarantine": ("quarantine.",), "alarm": ("alarm.",)}


def alert_detail(code: str, args: dict[str, object], lang: str = "vi") -> str | None:
    """An alert's detail from its code and values in `lang`; coded values (a rejection or
    link reason, an alarm) in words too. None if the code or a value is unknown."""
    key = f"alert.detail.{code}"
    if key not in WORDS:
        return None
    values = dict(args)
    for name, prefixes in _CODED_ARGS.items():
        raw = str(values.get(name, ""))
        found = next((p + raw for p in prefixes if known(p + raw)), None)
        if found is not None:
            values[name] = t(found, lang)
        elif name == "alarm":  # an alarm this center does not know: the device's own words
            values[name] = str(values.get("text") or raw)
    try:
        text = t(key, lang, **values) if values else t(key, lang)
    except (KeyError, ValueError, TypeError):  # values missing or of the wrong type
        return None
    extra = " ".join(str(values[k]) for k in ("detail",) if values.get(k))
    more = values.get("more")
    if code == "device_alarm":
        text += (f" {extra}" if extra else "") + (f" (+{more})" if more else "")
    about = values.get("about_kiosk")
    if about:
        text = f"{t('alert.detail.about_kiosk', lang, kiosk=about)}: {text}"
    return text
