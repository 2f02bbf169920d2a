"""The shipped broker configs (deploy/mosquitto) on loopback, for tests and benchmarks.

A throwaway CA signs a server certificate for localhost; each shipped config gets its paths,
listeners and log moved into a work folder; the logins are the ones `chot broker access`
generates from a registry, each with a password derived from its username.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from center.broker_access import Access, dynsec_document, usernames
from sim.broker import MosquittoBroker, TlsFiles, find_dynsec_plugin, free_port

SHIPPED = Path(__file__).resolve().parents[1] / "deploy" / "mosquitto"


def password(username: str) -> str:
    """Each test login's password."""
    return f"{username}-pw"


def dynsec(access: Access) -> dict[str, Any]:
    """The broker's dynamic-security document, every login with password(username)."""
    return dynsec_document(access, {u: password(u) for u in usernames(access)})


def make_tls(tmp: Path) -> TlsFiles:
    """A throwaway CA and a server certificate for localhost/127.0.0.1."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "chot test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(minutes=5))
          .not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .sign(ca_key, hashes.SHA256()))
    tmp.mkdir(parents=True, exist_ok=True)
    files = TlsFiles(tmp / "ca.crt", tmp / "server.crt", tmp / "server.key")
    files.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                 serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()))
    return files


class ShippedBroker:
    """A shipped broker config on loopback ports: `port` plain, `tls_port` its TLS listener."""

    def __init__(self, name: str, tmp: Path, tls: TlsFiles) -> None:
        self.name, self.dir, self.tls = name, tmp / f"{name}-broker", tls
        self.port, self.tls_port = free_port(), free_port()
        self.dir.mkdir(parents=True, exist_ok=True)

    def config(self) -> str:
        """deploy/mosquitto/{name}.conf with its paths and listeners moved into the test."""
        text = (SHIPPED / f"{self.name}.conf").read_text()
        swaps = {"/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so": find_dynsec_plugin(),
                 "/var/lib/mosquitto/": f"{self.dir}/",
                 "/etc/mosquitto/chot/": f"{self.tls.ca_file.parent}/",
                 "listener 1883 127.0.0.1": f"listener {self.port} 127.0.0.1",
                 "listener 8883 192.168.10.1": f"listener {self.tls_port} 127.0.0.1",
                 "listener 8883\n": f"listener {self.tls_port} 127.0.0.1\n",
                 "log_dest syslog": f"log_dest file {self.dir / 'mosquitto.log'}"}
        for old, new in swaps.items():
            if old not in text and not old.startswith("listener 8883"):
                raise ValueError(f"{self.name}.conf no longer has {old!r}")
            text = text.replace(old, new)
        return text + ("user root\n" if os.geteuid() == 0 else "")

    def start(self, factory: Callable[..., MosquittoBroker], access: Access) -> MosquittoBroker:
        """Start it with the access generated for it (factory: MosquittoBroker or a fixture)."""
        return factory(port=self.port, workdir=self.dir, config=self.config(),
                       dynsec=dynsec(access))
