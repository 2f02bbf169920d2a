"""A real mosquitto on a free loopback port, configured from a generated file in a temp dir.

Used by the tests, `chot demo` and `chot sim run`: optional password file, ACL, TLS
listener or dynamic-security document (center/broker_access.py), or a whole config given as
text; restart keeps the port and the persistence file, kill() is a kill -9.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

MOSQUITTO_PATHS = ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/bin/mosquitto")
DYNSEC_PLUGIN = "mosquitto_dynamic_security.so"
DYNSEC_DIRS = ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
               "/usr/lib/arm-linux-gnueabihf", "/usr/local/lib", "/usr/lib")
PBKDF2_ITERATIONS = 101


class BrokerUnavailable(RuntimeError):
    """mosquitto is not installed or did not start; the message says which and why."""


@dataclass(frozen=True)
class TlsFiles:
    """Server certificate, its key and the CA that signed it (PEM files)."""

    ca_file: Path
    cert_file: Path
    key_file: Path


def find_mosquitto() -> str:
    """The mosquitto binary's path; raises BrokerUnavailable with an install hint."""
    found = shutil.which("mosquitto") or next(
        (p for p in MOSQUITTO_PATHS if os.access(p, os.X_OK)), None)
    if found is None:
        raise BrokerUnavailable("Không thấy mosquitto / mosquitto not found: "
                                "run scripts/setup.sh (apt-get install mosquitto)")
    return found


def find_dynsec_plugin() -> str:
    """The dynamic security plugin's path; raises BrokerUnavailable when it is missing."""
    for folder in DYNSEC_DIRS:
        path = Path(folder) / DYNSEC_PLUGIN
        if path.exists():
            return str(path)
    raise BrokerUnavailable(f"Không thấy / not found: {DYNSEC_PLUGIN} (apt-get install mosquitto)")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free right now on host."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def password_line(username: str, password: str) -> str:
    """A mosquitto 2.x password-file line (PBKDF2-SHA512, as mosquitto_passwd writes)."""
    salt = secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, PBKDF2_ITERATIONS)
    return (f"{username}:$7${PBKDF2_ITERATIONS}${base64.b64encode(salt).decode()}$"
            f"{base64.b64encode(digest).decode()}")


class MosquittoBroker:
    """One mosquitto process; a context manager that cleans up its temp dir."""

    def __init__(self, users: dict[str, str] | None = None, acl: str | None = None,
                 tls: TlsFiles | None = None, port: int | None = None,
                 host: str = "127.0.0.1", workdir: str | Path | None = None,
                 persistence: bool = True, max_inflight: int = 1000,
                 extra_config: str = "", dynsec: dict[str, Any] | None = None,
                 config: str | None = None) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.users, self.acl, self.tls = users, acl, tls
        # dynsec: a dynamic-security.json document (logins, roles), written into the dir;
        # config: the whole mosquitto.conf, written as given (port and host must agree).
        self.dynsec, self.config = dynsec, config
        self.persistence, self.max_inflight, self.extra_config = \
            persistence, max_inflight, extra_config
        self._own_dir = workdir is None
        self.dir = Path(workdir or tempfile.mkdtemp(prefix="chot-mosquitto-"))
        self.dir.mkdir(parents=True, exist_ok=True)
        self.config_path = self.dir / "mosquitto.conf"
        self.log_path = self.dir / "mosquitto.log"
        self._proc: subprocess.Popen[bytes] | None = None

    def write_config(self) -> Path:
        """Write mosquitto.conf (and password/ACL/dynsec files) into the broker's dir."""
        dynsec = self.write_dynsec(self.dynsec) if self.dynsec is not None else None
        if self.config is not None:
            self.config_path.write_text(self.config)
            return self.config_path
        lines = [f"listener {self.port} {self.host}",
                 f"allow_anonymous {'false' if self.users or self.dynsec else 'true'}",
                 f"max_inflight_messages {self.max_inflight}",
                 "max_queued_messages 0",
                 "max_queued_bytes 0",
                 "persistent_client_expiration 1d",
                 "set_tcp_nodelay true",
                 f"log_dest file {self.log_path}",
                 "log_type error", "log_type warning", "log_type notice"]
        if os.geteuid() == 0:
            lines.append("user root")  # otherwise mosquitto drops to a user that cannot write
        if self.persistence:
            lines += ["persistence true", f"persistence_location {self.dir}/",
                      "autosave_interval 60"]
        if self.users:
            passwd = self.dir / "passwd"
            passwd.write_text("".join(password_line(u, p) + "\n"
                                      for u, p in self.users.items()))
            passwd.chmod(0o600)
            lines.append(f"password_file {passwd}")
        if self.acl is not None:
            acl = self.dir / "acl"
            acl.write_text(self.acl)
            acl.chmod(0o600)
            lines.append(f"acl_file {acl}")
        if dynsec is not None:
            lines += [f"plugin {find_dynsec_plugin()}", f"plugin_opt_config_file {dynsec}"]
        if self.tls is not None:
            lines += [f"cafile {self.tls.ca_file}", f"certfile {self.tls.cert_file}",
                      f"keyfile {self.tls.key_file}", "require_certificate false"]
        self.config_path.write_text("\n".join(lines) + "\n" + self.extra_config)
        return self.config_path

    def write_dynsec(self, document: dict[str, Any]) -> Path:
        """Write a dynamic-security.json (0600) into the broker's dir; it takes effect on start."""
        path = self.dir / "dynamic-security.json"
        path.touch(0o600)
        path.write_text(json.dumps(document, ensure_ascii=False, indent=1))
        return path

    def start(self, timeout: float = 10.0) -> MosquittoBroker:
        """Start mosquitto and wait until it accepts connections."""
        if self._proc is not None and self._proc.poll() is None:
            return self
        self.write_config()
        self._proc = subprocess.Popen([find_mosquitto(), "-c", str(self.config_path)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                err = self._proc.stderr.read().decode(errors="replace") if self._proc.stderr \
                    else ""
                raise BrokerUnavailable(f"mosquitto exited ({self._proc.returncode}): "
                                        f"{err.strip()} {self._log_tail()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        self.kill()
        raise BrokerUnavailable(f"mosquitto did not listen on {self.port}: {self._log_tail()}")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop cleanly (SIGTERM: mosquitto saves its persistence file)."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
            try:
                self._proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._close_pipes()

    def kill(self) -> None:
        """kill -9: whatever was not saved is lost, as on power loss."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._close_pipes()

    def restart(self, kill: bool = False) -> None:
        """Stop (or kill) and start again on the same port with the same persistence."""
        if kill:
            self.kill()
        else:
            self.stop()
        self.start()

    @property
    def pid(self) -> int | None:
        """The mosquitto process id while it runs (for its memory figures)."""
        return self._proc.pid if self.running and self._proc is not None else None

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self._proc is not None and self._proc.poll() is None

    def close(self) -> None:
        """Stop and remove the temp dir (if this broker created it)."""
        self.kill()
        if self._own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> MosquittoBroker:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _log_tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-600:]
        except OSError:
            return ""

    def _close_pipes(self) -> None:
        if self._proc is not None and self._proc.stderr is not None:
            self._proc.stderr.close()
