"""The one catalogue of words: every key in both languages, and every key the code asks for
is in it."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from screening import words
from screening.reasons import Reason
from screening.verdict import Outcome

ROOT = Path(__file__).resolve().parents[2]
# t("key", …) and t('key', …) with a literal key, in the layers that show words.
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']\s*[,)]""")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(words.WORDS))
def test_every_key_has_both_languages_with_the_same_fields(key: str) -> None:
    vi, en = words.WORDS[key]
    assert vi.strip() and en.strip(), key
    assert vi == vi.strip() and en == en.strip(), f"{key}: stray spaces"
    assert fields(vi) == fields(en), key


def test_every_reason_and_outcome_has_words() -> None:
    for reason in Reason:
        assert words.known(f"reason.{reason}"), reason
    for outcome in Outcome:
        assert words.known(f"outcome.{outcome}"), outcome


def test_every_key_the_kiosk_and_dashboard_ask_for_exists() -> None:
    asked = set()
    for folder in ("kiosk_ui", "center/dashboard"):
        for path in (ROOT / folder).rglob("*.py"):
            asked |= set(LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    assert len(asked) > 80  # the scan found the calls
    assert sorted(key for key in asked if not words.known(key)) == []


def test_a_key_defined_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        words._merge({"a": ("x", "y")}, {"a": ("z", "w")})


def test_filled_in_both_languages() -> None:
    assert words.t("queue_badge", "vi", n=2).startswith("2 lượt quét")
    assert words.both("st_pending", n=3) == {"vi": "3 chờ", "en": "3 queued"}


def test_every_alert_detail_code_the_center_raises_has_words() -> None:
    codes = set()
    for path in (ROOT / "center").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for given in re.findall(r"detail_code=([^,)]+)", text):  # a literal, or one of two
            codes |= set(re.findall(r"""["']([a-z_]+)["']""", given))
    assert len(codes) > 10  # the scan found them
    assert sorted(c for c in codes if not words.known(f"alert.detail.{c}")) == []


def test_an_alert_detail_in_both_languages_with_coded_values() -> None:
    args = {"alarm": "disk_full", "detail": "97%", "more": 1}
    assert words.alert_detail("device_alarm", args, "vi") == \
        "Ổ đĩa đầy: chưa nhận thêm sự kiện 97% (+1)"
    assert words.alert_detail("device_alarm", {"alarm": "new_thing", "text": "odd"}, "en") == "odd"
    assert words.alert_detail("link_reason", {"link": "connection_lost"}, "vi") == "mất kết nối"
    assert words.alert_detail("clock_off", {"skew_s": -12.4, "about_kiosk": "kx"}, "en") == \
        "kiosk kx: clock -12 s from the center's"
    assert words.alert_detail("no_such_code", {}, "vi") is None
    assert words.alert_detail("clock_off", {}, "vi") is None


def test_a_command_says_its_message_in_both_languages_from_the_catalogue() -> None:
    from chot.failure import said

    assert said("events_positive") == "--events phải dương / --events must be positive"
    assert said("port_in_use", host="127.0.0.1", port=8080) == \
        "Cổng 127.0.0.1:8080 đang được dùng / port 127.0.0.1:8080 is already in use"


def test_the_commands_ask_only_for_catalogue_keys() -> None:
    asked = set()
    for path in (ROOT / "chot").rglob("*.py"):
        asked |= set(re.findall(r"""\bsaid\(\s*["']([a-z0-9_]+)["']""",
                                path.read_text(encoding="utf-8")))
    assert len(asked) > 25  # the scan found the calls
    assert sorted(key for key in asked if not words.known(f"cli.{key}")) == []
