"""Finding and opening the thermometer node's serial port (pyserial), by path, URL or USB id."""

from __future__ import annotations

import termios
import time

import serial
import serial.tools.list_ports

from firmware import thermo_protocol as proto

READ_TIMEOUT_S = 0.05
# A node that stops reading must not stall the kiosk on a full buffer.
WRITE_TIMEOUT_S = 0.5


def find_node_port(vid: int, pid: int) -> str | None:
    """The first serial device with this USB vendor and product id, or None."""
    for port in sorted(serial.tools.list_ports.comports(), key=lambda p: p.device):
        if port.vid == vid and port.pid == pid:
            return str(port.device)
    return None


def open_port(url: str, baudrate: int) -> serial.SerialBase:
    """Open a device path or pyserial URL for the link; raises serial.SerialException."""
    kwargs: dict[str, object] = {"baudrate": baudrate, "timeout": READ_TIMEOUT_S,
                                 "write_timeout": WRITE_TIMEOUT_S}
    if "://" not in url:
        # Two programs reading one node would each see half the frames.
        kwargs["exclusive"] = True
    try:
        return serial.serial_for_url(url, **kwargs)
    except termios.error as exc:
        # pyserial wraps tcgetattr's errors but lets tcsetattr's through.
        raise serial.SerialException(f"could not configure {url}: {exc}") from exc


def send_maintenance(url: str, timeout_s: float = 2.0, baudrate: int = 115200) -> bool:
    """Ask a node running chot firmware to reboot with its REPL free; True once acknowledged."""
    try:
        port = open_port(url, baudrate)
    except (serial.SerialException, OSError):
        return False
    parser = proto.FrameParser()
    seq = 0x5A
    try:
        port.write(proto.encode(seq, proto.MSG_MAINTENANCE))
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            data = port.read(port.in_waiting or 1)
            position = 0
            while position < len(data):
                position = parser.feed(data, position, len(data))
                if (parser.ready and parser.msg_type == proto.MSG_ACK
                        and parser.payload[0] == seq
                        and parser.payload[1] == proto.MSG_MAINTENANCE):
                    return True
    except (serial.SerialException, OSError):
        return False
    finally:
        port.close()
    return False
