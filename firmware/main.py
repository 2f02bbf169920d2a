"""Boot entry on the device (copied to /main.py): run the node, or stay in the REPL for upkeep.

With kbd_intr(-1) and the watchdog running, mpremote cannot break in, so the host's
MAINTENANCE command leaves a marker and resets; the next boot skips the node once and leaves
the REPL free for `chot firmware deploy`.
"""

import os
import sys

import machine
import micropython
import utime

from firmware.board import build_node
from firmware.usb_port import UsbPort

MAINTENANCE_MARKER = "maintenance.flag"


def _maintenance_requested() -> bool:
    try:
        os.remove(MAINTENANCE_MARKER)
    except OSError:
        return False
    return True


def _enter_maintenance() -> None:
    with open(MAINTENANCE_MARKER, "w") as marker:
        marker.write("1")
    # Let USB flush the acknowledgement before the reset cuts it off.
    utime.sleep_ms(100)
    machine.reset()


def main() -> None:
    """Run the thermometer node on the USB serial port until reset."""
    if _maintenance_requested():
        print("chot thermometer: maintenance boot, REPL left free")
        return
    # Protocol bytes include 0x03; without this they would raise KeyboardInterrupt.
    micropython.kbd_intr(-1)
    node = build_node(UsbPort(sys.stdin, sys.stdout), _enter_maintenance)
    node.run_forever()


if __name__ == "__main__":
    main()
