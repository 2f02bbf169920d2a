"""A MicroPython-side stand-in for `machine`, copied in as machine.py for the WASI run.

I2C answers with canned MLX90614 words (PEC included) and a VL6180X register file that
always sees a target at 50 mm; PWM outputs remember their highest duty; WDT counts feeds.
"""

WORDS: dict = {}
PWMS: dict = {}
FEEDS = [0]


class Pin:
    """A pin number."""

    def __init__(self, id, mode=-1, pull=-1):
        self.id = id


class I2C:
    """The board's I2C bus with both sensors on it."""

    def __init__(self, id, scl=None, sda=None, freq=400000):
        self.freq = freq
        self.ranger = bytearray(0x1000)
        self.ranger[0x000] = 0xB4
        self.ranger[0x016] = 1

    def readfrom_mem_into(self, addr, memaddr, buf, addrsize=8):
        if addr == 0x5A:
            word = WORDS[memaddr]
            for i in range(len(buf)):
                buf[i] = word[i]
        elif addr == 0x29:
            for i in range(len(buf)):
                buf[i] = self.ranger[memaddr + i]
        else:
            raise OSError(5)

    def writeto_mem(self, addr, memaddr, buf, addrsize=8):
        if memaddr == 0x018:
            self.ranger[0x04F] = 0x04
            self.ranger[0x04D] = 0x01
            self.ranger[0x062] = 50
        elif memaddr == 0x015:
            self.ranger[0x04F] = 0
        else:
            self.ranger[memaddr] = buf[0]


class PWM:
    """Remembers the highest duty and the last frequency."""

    def __init__(self, pin, freq=None, duty_u16=None):
        self.peak = 0
        self.hz = 0
        PWMS[pin.id] = self

    def duty_u16(self, value):
        if value > self.peak:
            self.peak = value

    def freq(self, value):
        self.hz = value


class WDT:
    """Counts feeds."""

    def __init__(self, id=0, timeout=5000):
        self.timeout = timeout

    def feed(self):
        FEEDS[0] += 1


def unique_id():
    """Eight bytes, as the RP2040's flash id."""
    return b"MPY-WASI"


def reset():
    """Not expected in this run."""
    raise RuntimeError("reset")
