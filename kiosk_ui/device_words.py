"""What a device or link reports, in the staff's words.

Drivers report codes ('thermometer_bus') and a few fixed English texts ('no frame for 3.2 s');
each part of a 'port: problem' detail that the catalogue knows is put into words, the rest
(a device path, the operating system's own error text) is kept as it is.
"""

from __future__ import annotations

import re

from screening.words import known, t

PATTERNS = [
    (re.compile(r"no frame for (?P<s>[\d.]+) s"), "device.no_frame"),
    (re.compile(r"cannot open (?P<src>.+)"), "device.cannot_open"),
    (re.compile(r"(?P<src>.+) stopped sending frames"), "device.stopped_sending"),
]


def device_detail(detail: str, lang: str) -> str:
    """'/dev/ttyACM0: thermometer_bus' → '/dev/ttyACM0: lỗi bus cảm biến nhiệt'."""
    if known(f"device.{detail}"):
        return t(f"device.{detail}", lang)
    if known(f"alarm.{detail}"):
        return t(f"alarm.{detail}", lang)
    return ": ".join(_part(part, lang) for part in detail.split(": "))


def _part(part: str, lang: str) -> str:
    if known(f"device.{part}"):
        return t(f"device.{part}", lang)
    for pattern, key in PATTERNS:
        match = pattern.fullmatch(part)
        if match:
            return t(key, lang, **match.groupdict())
    return part
