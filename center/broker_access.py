"""Broker access from the province registry: mosquitto dynamic-security documents.

Pure: a registry, the logins' passwords and a salt source in, JSON-ready documents out (one
for the center broker, one per post broker). Deny by default; every device login is bound to
the client id our programs use, so it cannot take another's id (a center's, a gateway's), and
subscribes only to the exact filters its program subscribes to (no `#`, no `$share/…`).
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from center.registry import Registry
from infra import topics
from infra.client_ids import gateway_client_id, kiosk_client_id

# mosquitto_ctrl's own count. Generated passwords are random 192-bit secrets: stretching
# adds nothing to them, and the broker pays it on every CONNECT.
ITERATIONS = 101
SALT_BYTES = 12
GATEWAY_ON_POST = "gateway"  # the gateway's username on its post broker
ADMIN = "dynsec-admin"  # mosquitto_ctrl's login, on each broker's own machine
CENTER_ROLE = "center"


class AccessProblem(ValueError):
    """The registry cannot be turned into broker access (two logins would share a name)."""


@dataclass(frozen=True)
class Login:
    """One broker login: its username, the client id it is bound to and its role."""

    username: str
    clientid: str | None  # None: any client id (the center's own processes, several ids)
    role: str
    text: str


@dataclass(frozen=True)
class Access:
    """The logins and roles of one broker."""

    logins: tuple[Login, ...]
    roles: tuple[dict[str, Any], ...]


def ward_username(ward: str) -> str:
    """A ward reader's username, which is also its client id."""
    return f"ward-{ward}"


def _acl(kind: str, topic: str) -> dict[str, Any]:
    return {"acltype": kind, "topic": topic, "allow": True}


def _send(*topic_list: str) -> list[dict[str, Any]]:
    return [_acl("publishClientSend", t) for t in topic_list]


def _read(*topic_list: str) -> list[dict[str, Any]]:
    # subscribeLiteral: the SUBSCRIBE filter must be exactly this string, so a device gets
    # no wildcard of its own choosing and no shared subscription.
    return [acl for t in topic_list
            for acl in (_acl("subscribeLiteral", t), _acl("publishClientReceive", t),
                        _acl("unsubscribeLiteral", t))]


def _role(name: str, acls: list[dict[str, Any]]) -> dict[str, Any]:
    return {"rolename": name, "acls": acls}


def _admin_role() -> dict[str, Any]:
    control = "$CONTROL/dynamic-security/#"
    return _role("admin", [_acl("publishClientSend", control),
                           _acl("publishClientReceive", control),
                           _acl("subscribePattern", control)])


def center_access(registry: Registry, share_group: str = topics.CENTER_SHARE_GROUP) -> Access:
    """The center broker: center instances, one gateway per post, one reader per ward."""
    prov = registry.province
    root = f"{topics.ROOT}/{prov}/#"
    # mosquitto 2.0.11 checks a shared SUBSCRIBE with its `$share/{group}/` prefix against
    # the ACL, so the center's own group gets its own pattern (and a device never matches).
    shared = topics.shared(root, share_group)
    roles = [_role(CENTER_ROLE, [_acl("publishClientSend", root),
                                 _acl("publishClientReceive", root),
                                 _acl("subscribePattern", root),
                                 _acl("subscribePattern", shared),
                                 _acl("unsubscribePattern", root),
                                 _acl("unsubscribePattern", shared)]),
             _admin_role()]
    logins = [Login(name, None, CENTER_ROLE, f"center instance {name}")
              for name in registry.centers]
    for post in registry.post:
        role = f"gateway-{post.code}"
        # Any kiosk of its own post: the center quarantines kiosks missing from its registry,
        # while a refused publish would make mosquitto 2.0.11 drop the gateway's connection.
        roles.append(_role(role, _send(topics.all_kiosk_events(prov, post.code),
                                       topics.all_kiosk_states(prov, post.code),
                                       topics.gateway_state(prov, post.code))
                           + _read(topics.post_acks(prov, post.code), topics.policy(prov),
                                   topics.trust(prov))))
        logins.append(Login(post.code, gateway_client_id(post.code), role,
                            f"gateway of post {post.code}"))
    for ward in registry.ward:
        role = ward_username(ward.code)
        roles.append(_role(role, _read(topics.arrivals(prov, ward.code))))
        logins.append(Login(role, role, role, f"ward {ward.code} {ward.name}".strip()))
    logins.append(Login(ADMIN, ADMIN, "admin", "mosquitto_ctrl on the broker's machine"))
    return _checked(Access(tuple(logins), tuple(roles)))


def post_access(registry: Registry, post: str) -> Access:
    """One post broker: its gateway and its kiosks."""
    prov = registry.province
    kiosks = registry.kiosks_of(post)
    if kiosks is None:
        raise AccessProblem(f"post {post!r} is not in the registry")
    roles = [_role("gateway",
                   _send(topics.kiosk_acks(prov, post, "+"), topics.policy(prov),
                         topics.trust(prov), topics.gateway_state(prov, post))
                   + _read(topics.all_kiosk_events(prov, post),
                           topics.all_kiosk_states(prov, post))),
             _admin_role()]
    logins = [Login(GATEWAY_ON_POST, gateway_client_id(post), "gateway",
                    f"gateway of post {post}")]
    for kiosk in sorted(kiosks):
        role = f"kiosk-{kiosk}"
        roles.append(_role(role, _send(topics.kiosk_events(prov, post, kiosk),
                                       topics.kiosk_state(prov, post, kiosk))
                           + _read(topics.kiosk_acks(prov, post, kiosk), topics.policy(prov),
                                   topics.trust(prov), topics.gateway_state(prov, post))))
        logins.append(Login(kiosk, kiosk_client_id(post, kiosk), role,
                            f"kiosk {kiosk} of post {post}"))
    logins.append(Login(ADMIN, ADMIN, "admin", "mosquitto_ctrl on the broker's machine"))
    return _checked(Access(tuple(logins), tuple(roles)))


def _checked(access: Access) -> Access:
    for what, names in (("username", [x.username for x in access.logins]),
                        ("client id", [x.clientid for x in access.logins if x.clientid])):
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise AccessProblem(f"two logins would share the {what} {name!r}: "
                                    "rename a post, kiosk or ward in the registry")
            seen.add(name)
    return access


def hashed(password: str, salt: bytes, iterations: int = ITERATIONS) -> dict[str, Any]:
    """The password fields of a dynsec client (PBKDF2-SHA512, base64, as mosquitto_ctrl)."""
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations)
    return {"password": base64.b64encode(digest).decode(),
            "salt": base64.b64encode(salt).decode(), "iterations": iterations}


def dynsec_document(access: Access, passwords: Mapping[str, str],
                    salt: Callable[[], bytes] = lambda: os.urandom(SALT_BYTES)
                    ) -> dict[str, Any]:
    """The dynamic-security.json of one broker; passwords are keyed by username."""
    clients = []
    for login in access.logins:
        client: dict[str, Any] = {"username": login.username, "textname": login.text,
                                  **hashed(passwords[login.username], salt()),
                                  "roles": [{"rolename": login.role}]}
        if login.clientid is not None:
            client["clientid"] = login.clientid
        clients.append(client)
    return {"clients": clients, "groups": [], "roles": list(access.roles),
            "defaultACLAccess": {"publishClientSend": False, "publishClientReceive": False,
                                 "subscribe": False, "unsubscribe": False}}


def usernames(access: Access) -> Iterable[str]:
    """The usernames that need a password."""
    return (login.username for login in access.logins)
