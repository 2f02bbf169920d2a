"""Values the thermometer driver hands out: its config, the node's identity, readings, health."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from pydantic import BaseModel, ConfigDict, Field

from firmware import thermo_protocol as proto

# Raspberry Pi's USB vendor id and the MicroPython rp2 board's product id.
MICROPYTHON_RP2_VID = 0x2E8A
MICROPYTHON_RP2_PID = 0x0005


class SignalPattern(IntEnum):
    """LED and buzzer patterns the node plays: pass, check, stop."""

    OFF = proto.PATTERN_OFF
    GREEN = proto.PATTERN_GREEN
    AMBER = proto.PATTERN_AMBER
    RED = proto.PATTERN_RED


class ThermometerConfig(BaseModel):
    """How to reach the node and judge its readings; unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    port: str | None = Field(None, description="serial device or pyserial URL; None: find by "
                                               "USB vid/pid")
    usb_vid: int = Field(MICROPYTHON_RP2_VID, ge=0, le=0xFFFF)
    usb_pid: int = Field(MICROPYTHON_RP2_PID, ge=0, le=0xFFFF)
    baudrate: int = Field(115200, gt=0, description="ignored by USB CDC, used by UART bridges")
    stale_after_s: float = Field(2.0, gt=0, description="older readings are marked stale")
    calibration_offset_c: float = Field(0.0, ge=-5.0, le=5.0,
                                        description="added to the object temperature")
    plausible_min_c: float = Field(0.0, description="readings below are rejected")
    plausible_max_c: float = Field(60.0, description="readings above are rejected")
    reconnect_interval_s: float = Field(0.5, gt=0, description="first wait before reopening "
                                                               "the port; doubles per failure")
    reconnect_max_s: float = Field(5.0, gt=0, description="longest wait between reopen tries")
    identify_timeout_s: float = Field(1.0, gt=0, description="HELLO is resent after this")
    link_timeout_s: float = Field(2.0, gt=0, description="silence after which the link is "
                                                         "re-identified")
    ack_timeout_s: float = Field(0.3, gt=0)
    command_attempts: int = Field(3, ge=1)


@dataclass(frozen=True)
class NodeIdentity:
    """What the node said about itself on connect."""

    firmware_version: str
    protocol_version: int
    boot_id: int
    serial: str


@dataclass(frozen=True)
class ThermoReading:
    """One measurement; age_s and stale are filled in when the driver hands it out."""

    object_c: float
    ambient_c: float
    distance_mm: int
    seq: int
    boot_id: int
    calibration_offset_c: float
    received_at: float
    age_s: float = 0.0
    stale: bool = False

    def as_json(self) -> dict[str, object]:
        """The reading as `chot sensor read` prints it."""
        return {"object_c": self.object_c, "ambient_c": self.ambient_c,
                "distance_mm": self.distance_mm, "seq": self.seq,
                "age_ms": round(self.age_s * 1000)}


@dataclass(frozen=True)
class ThermometerHealth:
    """The link and node as the kiosk should show them; counters only ever grow."""

    state: str
    connected: bool
    port: str | None
    identity: NodeIdentity | None
    last_reading_age_s: float | None
    thermometer_ok: bool
    proximity_ok: bool
    target_present: bool
    last_fault: str | None
    node_uptime_s: int
    node_frames_rejected: int
    readings: int
    resets_seen: int
    disconnects: int
    link_timeouts: int
    frames_ok: int
    frames_rejected: int
    frames_missed: int
    bytes_skipped: int
    sensor_faults: int
    out_of_range: int
    commands_sent: int
    commands_failed: int
    protocol_mismatches: int
    port_error: str | None = None
