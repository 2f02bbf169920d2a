"""Runs inside a real MicroPython (the WASI build): the firmware as board.py wires it, on the
stand-in `machine` from micropython_machine.py.

The test appends a call to run(); it prints what the node sent and how many bytes its main
loop allocated, which on the RP2040 must be none.
"""

import gc
import sys

import utime

sys.path.insert(0, "/input")

import machine  # noqa: E402 - tests/thermometer/micropython_machine.py, copied in

from firmware import thermo_protocol as proto  # noqa: E402
from firmware.board import (  # noqa: E402
    BUZZER_PIN,
    LED_BLUE_PIN,
    LED_GREEN_PIN,
    LED_RED_PIN,
    build_node,
)


class Port:
    """UART-like port: host bytes to read, and a fixed buffer for what the node writes."""

    def __init__(self, incoming):
        self.incoming = incoming
        self.position = 0
        self.out = bytearray(16384)
        self.n = 0

    def any(self):
        return len(self.incoming) - self.position

    def readinto(self, buf):
        count = 0
        while count < len(buf) and self.position < len(self.incoming):
            buf[count] = self.incoming[self.position]
            self.position += 1
            count += 1
        return count

    def write(self, buf):
        for i in range(len(buf)):
            if self.n < len(self.out):
                self.out[self.n] = buf[i]
                self.n += 1
        return len(buf)


def run(words, host_bytes, steps):
    """Boot the node as firmware/board.py wires it, step it, and report."""
    machine.WORDS.update(words)
    port = Port(host_bytes)
    node = build_node(port)
    node.boot()
    gc.collect()
    gc.disable()
    allocated = 0
    for _ in range(steps):
        before = gc.mem_alloc()  # type: ignore[attr-defined]
        node.step()
        allocated += gc.mem_alloc() - before  # type: ignore[attr-defined]
        utime.sleep_ms(5)
    gc.enable()
    pwm = machine.PWMS
    print("ALLOCATED", allocated)
    print("FED", machine.FEEDS[0])
    print("PEAKS", pwm[LED_RED_PIN].peak, pwm[LED_GREEN_PIN].peak, pwm[LED_BLUE_PIN].peak,
          "BUZZER", pwm[BUZZER_PIN].hz)
    print("SENT", port.out[:port.n].hex())


def parse(stream, chunk):
    """Decode stream fed in chunks of `chunk` bytes; print each frame and the counters."""
    parser = proto.FrameParser()
    for start in range(0, len(stream), chunk):
        piece = stream[start:start + chunk]
        position = 0
        while position < len(piece):
            position = parser.feed(piece, position, len(piece))
            if parser.ready:
                print("FRAME", parser.seq, parser.msg_type, parser.payload[:parser.length].hex())
    print("COUNTERS", parser.frames, parser.rejected, parser.skipped)
