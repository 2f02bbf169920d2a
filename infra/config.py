"""Loading TOML configuration, validated at start: the base every component's config uses.

Unknown keys are refused and every error names the key, so a typo in the field does not
silently fall back to a default.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

DAY_S = 86_400


class Strict(BaseModel):
    """A config section: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class TlsConfig(Strict):
    """TLS towards a broker: the CA that signed its certificate, optionally a client cert."""

    ca_file: Path
    cert_file: Path | None = None
    key_file: Path | None = None
    check_hostname: bool = True

    def check_files(self) -> None:
        """Raise ConfigProblem (tls_file_unreadable) unless each named file can be read."""
        for key, path in (("tls.ca_file", self.ca_file), ("tls.cert_file", self.cert_file),
                          ("tls.key_file", self.key_file)):
            if path is not None:
                readable_file(path, key, "tls_file_unreadable")


class BrokerConfig(Strict):
    """How to reach one MQTT broker."""

    host: str = "127.0.0.1"
    port: int = Field(1883, ge=1, le=65535)
    username: str | None = None
    password: str | None = None
    password_file: Path | None = None
    client_id: str | None = None
    tls: TlsConfig | None = None
    keepalive_s: int = Field(30, ge=2, le=3600)
    session_expiry_s: int = Field(7 * DAY_S, ge=0)
    reconnect_min_s: float = Field(0.5, gt=0)
    reconnect_max_s: float = Field(60.0, gt=0)
    inflight: int = Field(1000, ge=1, le=65535,
                          description="events published and not yet PUBACKed, at most")

    def secret(self) -> str | None:
        """The password, read from password_file when one is given; raises ConfigProblem."""
        if self.password_file is not None:
            path = readable_file(self.password_file, "password_file", "password_file_unreadable")
            try:
                return path.read_text("utf-8").strip()
            except UnicodeDecodeError as exc:
                raise ConfigProblem(path, f"password_file: không phải UTF-8 / not UTF-8: {exc}",
                                    "password_file_unreadable") from None
        return self.password


class ConfigProblem(ValueError):
    """A config file that cannot be used; the message is bilingual and names the key."""

    def __init__(self, path: str | Path, detail: str, reason: str = "config_invalid") -> None:
        self.reason = reason
        super().__init__(f"Cấu hình không dùng được / config not usable: {path}: {detail} "
                         f"[{reason}]")


def readable_file(path: Path, key: str, reason: str) -> Path:
    """The path if it names a file this process can read; ConfigProblem naming the key if not.

    Checked where a file is first needed, so a missing or folder path is a config mistake
    (exit code 2 with the key named), not a traceback from deep inside a library.
    """
    try:
        with path.open("rb"):
            pass
    except IsADirectoryError:
        raise ConfigProblem(path, f"{key}: là thư mục, không phải tệp / is a folder, not a file",
                            reason) from None
    except OSError as exc:
        raise ConfigProblem(path, f"{key}: không đọc được / cannot be read: "
                                  f"{exc.strerror or exc}", reason) from None
    return path


Model = TypeVar("Model", bound=BaseModel)


def load_config(path: str | Path, model: type[Model]) -> Model:
    """Read and validate a TOML file; raises ConfigProblem naming the bad key."""
    return parse_config(read_toml(path), model, path)


def read_toml(path: str | Path) -> dict[str, Any]:
    """The TOML file as a dict; raises ConfigProblem when unreadable or not TOML."""
    try:
        return tomllib.loads(Path(path).read_text("utf-8"))
    except OSError as exc:
        raise ConfigProblem(path, str(exc), "config_unreadable") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigProblem(path, f"not TOML: {exc}", "config_not_toml") from None


def parse_config(data: object, model: type[Model], source: str | Path = "<config>") -> Model:
    """Validate already-parsed config data; raises ConfigProblem naming the bad key."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
                             for err in exc.errors())
        raise ConfigProblem(source, problems) from None
