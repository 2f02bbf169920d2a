"""`machine` for the thermometer firmware running inside MicroPython (the WebAssembly port).

Copied into the interpreter's file system as machine.py. The board's I2C bus carries the same
register-level sensor models the CPython simulator uses (sim/machine_model/), so the firmware
meets the same MLX90614 and VL6180X whichever interpreter runs it. Runs only on MicroPython's
subset of Python: no typing, no dataclasses, no threads.
"""

from sim.machine_model.i2c_bus import I2CBusModel

BUSES = {}  # type: dict[int, I2CBusModel]
PWMS = {}  # type: dict[int, PWM]
FEEDS = [0]
UNIQUE_ID = [b"\x00" * 8]


class Pin:
    """A pin number; the node only hands pins to I2C and PWM."""

    OUT = 1
    IN = 0

    def __init__(self, id, mode=-1, pull=-1):
        self.id = id


class PWM:
    """An LED or buzzer output: remembers its duty, frequency and highest duty seen."""

    def __init__(self, pin, freq=None, duty_u16=None):
        self.pin = pin.id
        self.duty = 0
        self.peak = 0
        self.hz = 0
        PWMS[pin.id] = self

    def duty_u16(self, value=None):
        if value is None:
            return self.duty
        self.duty = value
        if value > self.peak:
            self.peak = value

    def freq(self, value=None):
        if value is None:
            return self.hz
        self.hz = value


def bus(bus_id):
    """The board's I2C bus `bus_id`, where the sensor models are attached."""
    if bus_id not in BUSES:
        BUSES[bus_id] = I2CBusModel()
    return BUSES[bus_id]


class I2C:
    """Hardware I2C: memory reads and writes go to the device models on the bus."""

    def __init__(self, id, scl=None, sda=None, freq=400000, timeout=50000):
        self._bus = bus(id)
        self._bus.freq = freq

    def readfrom_mem_into(self, addr, memaddr, buf, addrsize=8):
        data = self._bus.device(addr).read_mem(memaddr, addrsize, len(buf))
        for i in range(len(data)):
            buf[i] = data[i]

    def writeto_mem(self, addr, memaddr, buf, addrsize=8):
        self._bus.device(addr).write_mem(memaddr, addrsize, bytes(buf))


class WDT:
    """The watchdog: counts feeds (the host process stands in for the reset it would cause)."""

    def __init__(self, id=0, timeout=5000):
        self.timeout = timeout

    def feed(self):
        FEEDS[0] += 1


def unique_id():
    """The board's flash serial number."""
    return UNIQUE_ID[0]


def reset():
    """A reset ends the interpreter; the host sees the node go silent, as after a power cut."""
    raise SystemExit(0)
