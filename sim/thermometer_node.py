"""A thermometer node without hardware: the real firmware on a simulated board behind a pty.

The host opens the pty (or a stable symlink to it, as udev's /dev/serial/by-id links are) as
if it were the node's USB serial port. Unplugging closes the pty and cuts the board's power;
plugging in makes a new pty behind the same link and boots the firmware afresh.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

from sim.machine_model import Board, BoardReset, PowerLoss, bind, install
from sim.machine_model.mlx90614_model import Mlx90614Model
from sim.machine_model.vl6180x_model import Vl6180xModel
from sim.pty_device import PtyDevice

I2C_BUS = 0


class PtyPort:
    """The node's side of the pty with MicroPython's UART interface: any, readinto, write.

    Like USB CDC with nobody reading, writes that do not fit are dropped, never blocking.
    """

    def __init__(self, device: PtyDevice, board: Board) -> None:
        self._device = device
        self._board = board
        self._cut_after: int | None = None

    @property
    def bytes_written(self) -> int:
        """Bytes the host's side took."""
        return self._device.bytes_written

    @property
    def bytes_dropped(self) -> int:
        """Bytes dropped because the host was not reading."""
        return self._device.bytes_dropped

    def any(self) -> int:
        """1 when the host has sent bytes not yet read."""
        return 1 if self._device.any() else 0

    def readinto(self, buf: bytearray) -> int:
        """Read what is waiting, at most len(buf)."""
        data = self._device.read(len(buf))
        buf[:len(data)] = data
        return len(data)

    def write(self, buf: bytes | bytearray) -> int:
        """Write a frame; a pending cut writes only its start and then resets the board."""
        self._board.check()
        data = bytes(buf)
        cut = self._cut_after
        if cut is not None:
            self._cut_after = None
            self._device.write(data[:cut])
            raise BoardReset("reset mid-frame")
        self._device.write(data)
        return len(data)

    def cut_next_write(self, after: int) -> None:
        """Make the next frame stop after `after` bytes, as a node that resets mid-frame."""
        self._cut_after = after


class SimulatedThermometer:
    """The firmware's ThermometerNode on a simulated board, reachable at `port_path`.

    The sensor models are attributes tests and scenarios change while it runs:
    `thermometer` (Mlx90614Model: object_c, ambient_c, error_flag, corrupt_pec, nack) and
    `proximity` (Vl6180xModel: target_mm, hardware_error, nack).
    """

    def __init__(self, link_path: str | Path | None = None, object_c: float = 36.6,
                 ambient_c: float = 28.0, target_mm: int | None = 45,
                 unique_id: bytes = b"\xe6\x61\x38\x52\x83\x2c\x4e\x2f",
                 flash_dir: str | Path | None = None) -> None:
        install()
        self.link_path = Path(link_path) if link_path is not None else None
        self._own_flash: tempfile.TemporaryDirectory[str] | None = None
        if flash_dir is None:
            self._own_flash = tempfile.TemporaryDirectory(prefix="chot-flash-")
            flash_dir = self._own_flash.name
        # The board's flash: what `chot firmware deploy` writes, and the maintenance marker.
        self.flash_dir = Path(flash_dir)
        self.board = Board(unique_id=unique_id)
        self.thermometer = Mlx90614Model(object_c=object_c, ambient_c=ambient_c)
        self.proximity = Vl6180xModel(target_mm=target_mm)
        bus = self.board.i2c_bus(I2C_BUS)
        bus.attach(self.thermometer.address, self.thermometer)
        bus.attach(self.proximity.address, self.proximity)
        self.boots = 0
        self.maintenance_boots = 0
        self.port: PtyPort | None = None
        self._pty: PtyDevice | None = None
        self.pty_name: str | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def unique_id(self) -> bytes:
        """The board's flash serial number, as the node reports it."""
        return self.board.unique_id

    def pwm_duty(self, pin: int) -> int:
        """The duty the firmware drives an LED or buzzer pin at now."""
        return self.board.pwm_state(pin).duty_u16

    @property
    def port_path(self) -> str:
        """What a host opens: the stable link if one was asked for, else the pty itself."""
        if self.link_path is not None:
            return str(self.link_path)
        if self.pty_name is None:
            raise RuntimeError("the simulated node is not plugged in")
        return self.pty_name

    def start(self) -> str:
        """Plug in and boot; returns the port path."""
        self.plug_in()
        return self.port_path

    def stop(self) -> None:
        """Unplug for good."""
        self.unplug()

    def __enter__(self) -> SimulatedThermometer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def plug_in(self) -> None:
        """A new pty behind the link, power on, and boot the firmware."""
        with self._lock:
            if self._thread is not None:
                return
            self._pty = PtyDevice(self.link_path)
            self.pty_name = self._pty.path
            self.port = PtyPort(self._pty, self.board)
            self.board.power_on()
            self.proximity.power_on_reset()
            self._thread = threading.Thread(target=self._run, name="sim-thermometer",
                                            daemon=True)
            self._thread.start()

    def unplug(self) -> None:
        """Cut power and close the pty: the host's reads fail as on a pulled USB cable.

        The stable link goes too, as udev removes /dev/serial/by-id/… on unplug: the freed pty
        number may be handed to another device, which a host must not open by mistake.
        """
        with self._lock:
            thread, self._thread = self._thread, None
            device, self._pty = self._pty, None
            if device is not None:
                device.remove_link()
            self.board.power_off()
            if thread is not None:
                thread.join(timeout=5)
            if device is not None:
                device.close()
            self.port = None

    def replug(self) -> None:
        """Unplug, then plug in again: a fresh boot with a new boot id."""
        self.unplug()
        self.plug_in()

    def reset(self, mid_frame_after: int | None = None) -> None:
        """Press reset; with mid_frame_after, the node first sends only that many bytes of its
        next frame."""
        if mid_frame_after is not None and self.port is not None:
            self.port.cut_next_write(mid_frame_after)
        else:
            self.board.request_reset()

    def inject_from_node(self, data: bytes) -> None:
        """Bytes on the wire from the node's side, as line noise would put them there."""
        if self._pty is None:
            raise RuntimeError("the simulated node is not plugged in")
        self._pty.write_all(data)

    def _run(self) -> None:
        from firmware.board import build_node

        bind(self.board)
        port = self.port
        assert port is not None
        while self.board.powered:
            self.board.reboot()
            self.boots += 1
            try:
                # As firmware/main.py does: one maintenance boot leaves the REPL to mpremote.
                if self._take_maintenance_marker():
                    self.maintenance_boots += 1
                    self._run_repl(port)
                else:
                    build_node(port, self._enter_maintenance).run_forever()
            except BoardReset:
                continue
            except PowerLoss:
                return

    def _marker(self) -> Path:
        from firmware.main import MAINTENANCE_MARKER

        return self.flash_dir / MAINTENANCE_MARKER

    def _take_maintenance_marker(self) -> bool:
        try:
            self._marker().unlink()
        except FileNotFoundError:
            return False
        return True

    def _enter_maintenance(self) -> None:
        self._marker().write_text("1")
        raise BoardReset("maintenance")

    def _run_repl(self, port: PtyPort) -> None:
        import utime

        from sim.micropython_repl import RawRepl

        repl = RawRepl(self.flash_dir, port.write)
        repl.start()
        buf = bytearray(256)
        while True:
            count = port.readinto(buf) if port.any() else 0
            if count:
                repl.feed(bytes(buf[:count]))
            else:
                utime.sleep_ms(1)
