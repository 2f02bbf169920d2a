"""The kiosk's TOML configuration: typed models that document each key; unknown keys refused."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from infra.config import TlsConfig


class Section(BaseModel):
    """Base for config sections: unknown keys are an error that names the key."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class PolicySection(Section):
    """Where the policy and the trusted issuers come from until the gateway sends newer ones."""

    file: str | None = Field(None, description="policy JSON (signed or plain); none: built-in")
    center_keys: list[str] = Field(default_factory=list, description="center public keys (.pub)")
    trust: list[str] = Field(default_factory=list,
                             description="issuer public keys (.pub), signed trust lists "
                                         "(with foreign-certificate signers), or DSC/JWKS/"
                                         "DCC gateway lists read as they are")
    stale_after_hours: float = Field(24.0, gt=0, description="older policy shows a warning")


class CameraSection(Section):
    """Cameras the staff can choose between; the first is used at start."""

    sources: list[str] = Field(default_factory=list,
                               description="device indexes ('0'), paths or stream URLs")
    engine: str = Field("auto", description="decoder engine passed to hardware.decode")
    preview: bool = Field(False, description="show the preview panel at start")
    simulated: bool = Field(False, description="a simulated camera that sees no codes")


class ReaderSection(Section):
    """The serial QR reader module (GM65 style)."""

    port: str | None = Field(None, description="serial port or pyserial URL; none: no reader")
    baud: int = Field(9600, gt=0)
    mode: Literal["manual", "command", "continuous", "induction"] = Field(
        "continuous", description="scan mode set on connect")
    simulated_interval_s: float | None = Field(
        None, gt=0, description="demo: a simulated reader showing sample travellers this often")


class WedgeSection(Section):
    """A keyboard-wedge reader types the code then Enter into the terminal."""

    enabled: bool = True
    prefix: str = Field("", description="removed from the start of each line (e.g. ']Q1')")
    suffix: str = Field("", description="removed from the end of each line")
    format: Literal["text", "hex"] = Field(
        "text", description="hex: the reader sends UTF-8 bytes as hex digits")


class ThermometerSection(Section):
    """The thermometer node on a serial port; it also drives the LED and buzzer."""

    port: str | None = Field(None, description="serial port, or 'auto': the first node found "
                                               "by its USB id; none: no thermometer")
    calibration_offset_c: float = Field(0.0, ge=-5.0, le=5.0,
                                        description="added to every reading (from a reference "
                                                    "thermometer check)")
    simulated_c: float | None = Field(None, ge=30.0, le=45.0,
                                      description="a simulated thermometer reading this value")


class JournalSection(Section):
    """Where scan events are committed before their verdict is shown."""

    path: str | None = Field(None, description="SQLite file; none: memory only (tests, demo)")


class GatewaySection(Section):
    """The post broker the journal is sent to (see docs/gateway.md)."""

    host: str | None = Field(None, description="post broker host; none: no link")
    port: int = Field(1883, ge=1, le=65535)
    province: str = Field("11", description="province code in the MQTT topics")
    username: str | None = Field(None, description="the kiosk's login on the post broker")
    password_file: str | None = None
    tls: TlsConfig | None = Field(None, description="ca_file (and cert_file/key_file): the post "
                                                    "broker's LAN listener is TLS only")
    retention_s: float = Field(86400.0, ge=0, description="keep acknowledged events this long")


class KioskConfig(Section):
    """One kiosk: where it stands, what it shows, which devices it uses."""

    post: str = Field("post-1", min_length=1, max_length=64, description="checkpoint post id")
    kiosk: str = Field("kiosk-1", min_length=1, max_length=64,
                       description="this kiosk's id within the post")
    language: Literal["vi", "en"] = "vi"
    mode: Literal["staffed", "self_service"] = Field(
        "staffed", description="self_service: an entrance without staff; travellers scan, the "
                               "screen and the thermometer node's light and buzzer give the "
                               "verdict, and the staff keys (F2-F8) do nothing")
    mask_names: bool = Field(True, description="show names as initials + given name")
    bell: bool = Field(True, description="ring the terminal bell on every verdict")
    staff: str = Field("", description="staff id recorded on confirm/override")
    policy: PolicySection = Field(default_factory=PolicySection)
    camera: CameraSection = Field(default_factory=CameraSection)
    reader: ReaderSection = Field(default_factory=ReaderSection)
    wedge: WedgeSection = Field(default_factory=WedgeSection)
    thermometer: ThermometerSection = Field(default_factory=ThermometerSection)
    journal: JournalSection = Field(default_factory=JournalSection)
    gateway: GatewaySection = Field(default_factory=GatewaySection)


class ConfigProblem(ValueError):
    """A config file that cannot be used; the message names the file and the bad key."""


def parse_config(data: dict[str, object], source: str = "config") -> KioskConfig:
    """Validate a parsed TOML document; raises ConfigProblem naming the first bad key."""
    try:
        return KioskConfig.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(part) for part in err["loc"]) or "(top level)"
        raise ConfigProblem(f"{source}: khoá / key '{key}': {err['msg']}") from None


def load_config(path: str | Path) -> KioskConfig:
    """Read and validate a kiosk TOML file; raises ConfigProblem."""
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except OSError as exc:
        raise ConfigProblem(f"{path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigProblem(f"{path}: TOML sai / bad TOML: {exc}") from None
    return parse_config(data, str(path))
