"""The thermometer node inside MicroPython: firmware/board.py's node on the model board.

The Node.js runner (run_node.mjs) registers `chot_host` (the USB serial line: bytes from the
host in, frames out) before importing this, then calls step() every LOOP_MS and control()
when the test or simulator changes what the sensors see.
"""

import sys

import chot_host
import machine

from firmware.board import I2C_ID, build_node
from sim.machine_model.mlx90614_model import Mlx90614Model
from sim.machine_model.vl6180x_model import Vl6180xModel

# MicroPython has no typing module; mypy treats TYPE_CHECKING as true whatever its value.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from firmware.node import ThermometerNode


class HostPort:
    """The USB CDC line as the node's UART-like port: any, readinto, write."""

    def any(self):
        return chot_host.waiting()

    def readinto(self, buf):
        count = 0
        while count < len(buf):
            byte = chot_host.take()
            if byte < 0:
                break
            buf[count] = byte
            count += 1
        return count

    def write(self, buf):
        chot_host.send(bytes(buf).hex())
        return len(buf)


def _maintenance():
    # A real node resets into its REPL; here the interpreter ends and the host sees a reset.
    machine.reset()


thermometer = Mlx90614Model()
proximity = Vl6180xModel()
SENSORS = {"thermometer": thermometer, "proximity": proximity}
node: "ThermometerNode | None" = None


def start(unique_id_hex, object_c, ambient_c, target_mm):
    """Wire the sensors onto the board's bus, build the node and boot it."""
    global node
    machine.UNIQUE_ID[0] = bytes.fromhex(unique_id_hex)
    thermometer.object_c = object_c
    thermometer.ambient_c = ambient_c
    proximity.target_mm = None if target_mm < 0 else target_mm
    bus = machine.bus(I2C_ID)
    bus.attach(thermometer.address, thermometer)
    bus.attach(proximity.address, proximity)
    node = build_node(HostPort(), _maintenance)
    node.boot()
    version = sys.implementation.version
    return f"{sys.implementation.name} {version[0]}.{version[1]}.{version[2]}"


def step():
    """One pass of the firmware's main loop."""
    assert node is not None, "start() first"
    node.step()


def control(sensor, attribute, value):
    """Change what a sensor model sees or how it fails (object_c, corrupt_pec, nack, …)."""
    setattr(SENSORS[sensor], attribute, value)


def pwm_duty(pin):
    """The duty an LED or buzzer pin is driven at now."""
    output = machine.PWMS.get(pin)
    return -1 if output is None else output.duty
