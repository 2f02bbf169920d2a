"""Runs inside a real MicroPython (the WASI build): the firmware's node on minimal stand-in parts.

The test appends a call to run(); it prints what the node sent and how many bytes its main
loop allocated, which on the RP2040 must be none.
"""

import gc
import sys

import utime

sys.path.insert(0, "/input")

from firmware import thermo_protocol as proto  # noqa: E402
from firmware.indicator import Indicator  # noqa: E402
from firmware.mlx90614 import MLX90614  # noqa: E402
from firmware.node import ThermometerNode  # noqa: E402
from firmware.vl6180x import VL6180X  # noqa: E402


class Bus:
    """I2C with canned MLX90614 words (with PEC) and a VL6180X register file seeing 50 mm."""

    def __init__(self, words):
        self.words = words
        self.ranger = bytearray(0x1000)
        self.ranger[0x000] = 0xB4
        self.ranger[0x016] = 1

    def readfrom_mem_into(self, addr, memaddr, buf, addrsize=8):
        if addr == 0x5A:
            word = self.words[memaddr]
            for i in range(len(buf)):
                buf[i] = word[i]
        else:
            for i in range(len(buf)):
                buf[i] = self.ranger[memaddr + i]

    def writeto_mem(self, addr, memaddr, buf, addrsize=8):
        if memaddr == 0x018:
            self.ranger[0x04F] = 0x04
            self.ranger[0x04D] = 0x01
            self.ranger[0x062] = 50
        elif memaddr == 0x015:
            self.ranger[0x04F] = 0
        else:
            self.ranger[memaddr] = buf[0]


class Pwm:
    """Remembers the highest duty and the last frequency."""

    def __init__(self):
        self.peak = 0
        self.hz = 0

    def duty_u16(self, value):
        if value > self.peak:
            self.peak = value

    def freq(self, value):
        self.hz = value


class Watchdog:
    """Counts feeds."""

    def __init__(self):
        self.fed = 0

    def feed(self):
        self.fed += 1


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
    """Boot the node, step it, and report."""
    bus = Bus(words)
    port = Port(host_bytes)
    red, green, blue, buzzer = Pwm(), Pwm(), Pwm(), Pwm()
    watchdog = Watchdog()
    node = ThermometerNode(port, MLX90614(bus), VL6180X(bus),
                           Indicator(red, green, blue, buzzer), watchdog, b"MPY-WASI",
                           0x01020304)
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
    print("ALLOCATED", allocated)
    print("FED", watchdog.fed)
    print("PEAKS", red.peak, green.peak, blue.peak, "BUZZER", buzzer.hz)
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
