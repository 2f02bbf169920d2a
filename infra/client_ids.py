"""MQTT client ids of the devices, defined once: the brokers' logins are bound to them.

`chot broker access` writes each login with the client id its device connects with; a login
whose id drifted from the device's would be refused at every connect.
"""

from __future__ import annotations


def gateway_client_id(post: str) -> str:
    """A post's gateway, on the post broker and on the provincial broker alike."""
    return f"gateway-{post}"


def kiosk_client_id(post: str, kiosk: str) -> str:
    """A kiosk's link to its post broker."""
    return f"kiosk-{post}-{kiosk}"
