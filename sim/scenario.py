"""Scenarios as TOML data: posts, kiosks, arrival rates, the traveller mix and faults in time.

Validated at load with typed models; unknown keys are refused and every error names the key,
so a misspelt fault does not silently leave the run fault-free. `docs/simulator.md` explains
each key.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from screening.default_policy import DEFAULT_BODY
from screening.policy import Policy, PolicyError, Zones, parse_policy
from sim.travellers import Kind, Mix, Origin

SCENARIO_DIR = Path(__file__).parent / "scenarios"
FaultKind = Literal["uplink_cut", "uplink_delay", "uplink_drop", "gateway_crash", "kiosk_crash",
                    "broker_restart", "sensor_unplug"]
# Faults that last for duration_s and end by themselves; crashes restart after duration_s.
LASTING = {"uplink_cut", "uplink_delay", "sensor_unplug"}


class Strict(BaseModel):
    """A scenario section: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Rate(Strict):
    """From `from_s` on, each kiosk of the post sees this many travellers a minute."""

    from_s: float = Field(ge=0)
    per_kiosk_per_min: float = Field(ge=0, le=60)


class Post(Strict):
    """A checkpoint with its gateway and kiosks."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$")
    kind: Literal["venue", "highway", "border", "waterway"] = "highway"
    kiosks: int = Field(ge=1, le=16)
    camera_kiosks: int = Field(0, ge=0, description="kiosks reading codes with the camera")
    thermometer: bool = True
    self_service: bool = Field(False, description="no staff: the kiosks run in self-service "
                                                  "mode; travellers with nothing to scan go "
                                                  "elsewhere, CCCD cards get 'enter the trip'")
    arrivals: list[Rate] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Post:
        if self.camera_kiosks > self.kiosks:
            raise ValueError("camera_kiosks cannot exceed kiosks")
        starts = [rate.from_s for rate in self.arrivals]
        if starts[0] != 0 or starts != sorted(starts):
            raise ValueError("arrivals must start at from_s = 0 and go forward in time")
        return self

    def rate_at(self, t: float) -> float:
        """Travellers per kiosk per minute at time t."""
        return [r for r in self.arrivals if r.from_s <= t][-1].per_kiosk_per_min


class MixSpec(Strict):
    """Shares of traveller kinds and origins, and of risk facts among them."""

    kinds: dict[Kind, float]
    origins: dict[Origin, float]
    contact_f0: float = Field(0.0, ge=0, le=1)
    contact_f1: float = Field(0.0, ge=0, le=1)
    contact_f2: float = Field(0.0, ge=0, le=1)
    symptoms: float = Field(0.0, ge=0, le=1)
    fever: float = Field(0.0, ge=0, le=1)
    trucks: float = Field(0.0, ge=0, le=1)

    @model_validator(mode="after")
    def _some_share(self) -> MixSpec:
        for name, shares in (("kinds", self.kinds), ("origins", self.origins)):
            if any(v < 0 for v in shares.values()) or sum(shares.values()) <= 0:
                raise ValueError(f"{name} needs non-negative shares, at least one above 0")
        if self.contact_f0 + self.contact_f1 + self.contact_f2 > 1:
            raise ValueError("contact shares add up to more than 1")
        return self

    def mix(self) -> Mix:
        """The traveller factory's view."""
        return Mix(kinds=dict(self.kinds), origins=dict(self.origins),
                   contact_f0=self.contact_f0, contact_f1=self.contact_f1,
                   contact_f2=self.contact_f2, symptoms=self.symptoms, fever=self.fever,
                   trucks=self.trucks)


class Fault(Strict):
    """Something going wrong at `at_s`: lasting faults end after `duration_s`, crashes restart."""

    at_s: float = Field(ge=0)
    kind: FaultKind
    post: str | None = None
    kiosk: int | None = Field(None, ge=0, description="index of the kiosk within its post")
    duration_s: float = Field(0.0, ge=0)
    delay_ms: float = Field(0.0, ge=0, description="uplink_delay: added one-way delay")

    @model_validator(mode="after")
    def _target(self) -> Fault:
        needs_post = self.kind != "broker_restart"
        if needs_post and self.post is None:
            raise ValueError(f"{self.kind} needs the post it hits")
        if self.kind in ("kiosk_crash", "sensor_unplug") and self.kiosk is None:
            raise ValueError(f"{self.kind} needs the kiosk index it hits")
        if self.kind in LASTING and self.duration_s <= 0:
            raise ValueError(f"{self.kind} needs duration_s above 0")
        return self


class PolicySpec(Strict):
    """Changes to the default policy for this scenario (province, threshold, zones)."""

    province: str | None = None
    fever_threshold_c: float | None = None
    zones: Zones | None = None


class Scenario(Strict):
    """A scripted run: who arrives where and when, and what breaks."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    description: str = ""
    duration_s: float = Field(gt=0, description="length of the arrivals timeline")
    drain_s: float = Field(60.0, gt=0, description="longest wait for delivery after the end")
    seed: int = 1
    policy: PolicySpec = PolicySpec()
    mix: MixSpec
    posts: list[Post] = Field(min_length=1)
    faults: list[Fault] = []

    @model_validator(mode="after")
    def _faults_hit_known_targets(self) -> Scenario:
        posts = {post.id: post for post in self.posts}
        if len(posts) != len(self.posts):
            raise ValueError("post ids must be unique")
        for index, fault in enumerate(self.faults):
            where = f"faults[{index}]"
            if fault.post is not None and fault.post not in posts:
                raise ValueError(f"{where}: no post named {fault.post!r}")
            if fault.kiosk is not None and fault.post and fault.kiosk >= posts[fault.post].kiosks:
                raise ValueError(f"{where}: post {fault.post} has no kiosk {fault.kiosk}")
            if fault.at_s > self.duration_s:
                raise ValueError(f"{where}: at_s is after the end of the scenario")
        return self

    @property
    def kiosk_count(self) -> int:
        """Kiosks across all posts."""
        return sum(post.kiosks for post in self.posts)

    def build_policy(self) -> Policy:
        """The default policy with this scenario's changes."""
        body: dict[str, Any] = dict(DEFAULT_BODY)
        spec = self.policy
        if spec.province is not None:
            body["province"] = spec.province
        if spec.fever_threshold_c is not None:
            body["fever_threshold_c"] = spec.fever_threshold_c
        if spec.zones is not None:
            body["zones"] = spec.zones.model_dump()
        return parse_policy(body, version=1)

    def shortened(self, duration_s: float) -> Scenario:
        """The same story in `duration_s`: every time scaled, arrival rates kept per minute."""
        if duration_s >= self.duration_s:
            return self
        f = duration_s / self.duration_s
        posts = [post.model_copy(update={"arrivals": [
            rate.model_copy(update={"from_s": rate.from_s * f}) for rate in post.arrivals]})
            for post in self.posts]
        faults = [fault.model_copy(update={"at_s": fault.at_s * f,
                                           "duration_s": fault.duration_s * f})
                  for fault in self.faults]
        return self.model_copy(update={"duration_s": duration_s, "posts": posts,
                                       "faults": faults})


class ScenarioProblem(ValueError):
    """A scenario file that cannot be run; the message is bilingual and names the key."""

    def __init__(self, path: str | Path, detail: str, reason: str = "scenario_invalid") -> None:
        self.reason = reason
        super().__init__(f"Kịch bản không dùng được / scenario not usable: {path}: {detail} "
                         f"[{reason}]")


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario TOML file; a bare name means one of sim/scenarios/."""
    file = Path(path)
    if not file.exists() and (SCENARIO_DIR / f"{path}.toml").exists():
        file = SCENARIO_DIR / f"{path}.toml"
    try:
        data = tomllib.loads(file.read_text("utf-8"))
    except OSError as exc:
        raise ScenarioProblem(path, str(exc), "scenario_unreadable") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioProblem(path, f"not TOML: {exc}", "scenario_not_toml") from None
    return parse_scenario(data, path)


def parse_scenario(data: object, source: str | Path = "<scenario>") -> Scenario:
    """Validate parsed scenario data; raises ScenarioProblem naming the bad key."""
    try:
        scenario = Scenario.model_validate(data)
        scenario.build_policy()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
                             for err in exc.errors())
        raise ScenarioProblem(source, problems) from None
    except PolicyError as exc:
        raise ScenarioProblem(source, str(exc)) from None
    return scenario


def shipped_scenarios() -> list[Path]:
    """The scenario files that come with chot."""
    return sorted(SCENARIO_DIR.glob("*.toml"))
