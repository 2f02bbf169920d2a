"""The MQTT topic contract under chot/v1/{province}/…, one function per topic."""

from __future__ import annotations

from dataclasses import dataclass

ROOT = "chot/v1"
CENTER_SHARE_GROUP = "center"


def kiosk_events(prov: str, post: str, kiosk: str) -> str:
    """A kiosk's events, QoS 1 (kiosk → post broker, gateway → center broker)."""
    return f"{ROOT}/{prov}/kiosk/{post}/{kiosk}/events"


def kiosk_state(prov: str, post: str, kiosk: str) -> str:
    """A kiosk's retained state and Last Will."""
    return f"{ROOT}/{prov}/kiosk/{post}/{kiosk}/state"


def gateway_state(prov: str, post: str) -> str:
    """A gateway's retained state and Last Will."""
    return f"{ROOT}/{prov}/gateway/{post}/state"


def post_acks(prov: str, post: str) -> str:
    """Center → gateway: event ids the center has committed."""
    return f"{ROOT}/{prov}/acks/{post}"


def kiosk_acks(prov: str, post: str, kiosk: str) -> str:
    """Gateway → kiosk on the post broker: the center's acks for this kiosk's events."""
    return f"{ROOT}/{prov}/acks/{post}/{kiosk}"


def policy(prov: str) -> str:
    """Retained signed policy envelope."""
    return f"{ROOT}/{prov}/policy"


def trust(prov: str) -> str:
    """Retained signed trust-list envelope."""
    return f"{ROOT}/{prov}/trust"


def arrivals(prov: str, ward: str) -> str:
    """Arrival notices for one destination ward."""
    return f"{ROOT}/{prov}/arrivals/{ward}"


def alerts(prov: str) -> str:
    """Alerts raised by the center."""
    return f"{ROOT}/{prov}/alerts"


def all_kiosk_events(prov: str, post: str = "+") -> str:
    """Filter for the events of every kiosk (of one post, or of every post)."""
    return kiosk_events(prov, post, "+")


def all_kiosk_states(prov: str, post: str = "+") -> str:
    """Filter for the state of every kiosk (of one post, or of every post)."""
    return kiosk_state(prov, post, "+")


def all_gateway_states(prov: str) -> str:
    """Filter for the state of every gateway."""
    return gateway_state(prov, "+")


def shared(topic_filter: str, group: str = CENTER_SHARE_GROUP) -> str:
    """A shared subscription, so several center instances split the messages."""
    return f"$share/{group}/{topic_filter}"


@dataclass(frozen=True)
class KioskTopic:
    """The parts of a kiosk events/state topic."""

    prov: str
    post: str
    kiosk: str
    leaf: str  # "events" | "state"


def parse_kiosk_topic(topic: str) -> KioskTopic | None:
    """Split chot/v1/{prov}/kiosk/{post}/{kiosk}/{events|state}; None for anything else."""
    parts = topic.split("/")
    if len(parts) != 7 or "/".join(parts[:2]) != ROOT or parts[3] != "kiosk" \
            or parts[6] not in ("events", "state") or not all(parts):
        return None
    return KioskTopic(parts[2], parts[4], parts[5], parts[6])


def parse_gateway_state_topic(topic: str) -> tuple[str, str] | None:
    """(prov, post) of chot/v1/{prov}/gateway/{post}/state; None for anything else."""
    parts = topic.split("/")
    if len(parts) != 6 or "/".join(parts[:2]) != ROOT or parts[3] != "gateway" \
            or parts[5] != "state" or not all(parts):
        return None
    return parts[2], parts[4]
