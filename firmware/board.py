"""Wiring of the RP2040 thermometer board: which pins and buses the node's parts hang on."""

import random

import machine
from micropython import const

from firmware.indicator import Indicator
from firmware.mlx90614 import MLX90614
from firmware.node import ThermometerNode
from firmware.vl6180x import VL6180X

I2C_ID = const(0)
I2C_SDA_PIN = const(4)
I2C_SCL_PIN = const(5)
# SMBus devices such as the MLX90614 allow at most 100 kHz.
I2C_FREQ = const(100_000)
LED_RED_PIN = const(13)
LED_GREEN_PIN = const(14)
LED_BLUE_PIN = const(15)
BUZZER_PIN = const(16)
LED_PWM_FREQ = const(1000)
# Long enough for the VL6180X start-up writes, short enough to recover within a traveller.
WATCHDOG_MS = const(3000)


def _pwm(pin: int) -> machine.PWM:
    pwm = machine.PWM(machine.Pin(pin))
    pwm.freq(LED_PWM_FREQ)
    pwm.duty_u16(0)
    return pwm


def build_node(port, on_maintenance=None) -> ThermometerNode:
    """The node with this board's sensors, LED and buzzer, talking to the host on port."""
    i2c = machine.I2C(I2C_ID, scl=machine.Pin(I2C_SCL_PIN), sda=machine.Pin(I2C_SDA_PIN),
                      freq=I2C_FREQ)
    indicator = Indicator(_pwm(LED_RED_PIN), _pwm(LED_GREEN_PIN), _pwm(LED_BLUE_PIN),
                          _pwm(BUZZER_PIN))
    # The rp2 port seeds random from the ring oscillator at power-on: a fresh id every boot.
    boot_id = random.getrandbits(32)
    watchdog = machine.WDT(timeout=WATCHDOG_MS)
    return ThermometerNode(port, MLX90614(i2c), VL6180X(i2c), indicator, watchdog,
                           machine.unique_id(), boot_id, on_maintenance)
