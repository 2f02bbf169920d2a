"""The simulator's devices travel the hardware paths: its MJPEG camera and its GM65 on a pty."""

from __future__ import annotations

import threading
import time

from hardware.camera import Camera
from hardware.decode import decode_frame
from hardware.dedup import RepeatFilter
from hardware.qr_reader import QrReaderLink
from infra.polling import wait_until
from sim.camera import MjpegServer, VirtualCamera
from sim.qr_reader_device import QrReaderDevice

CCCD = ("079203004512||Trần Thị Thuỳ Dương|23041992|Nữ|"
        "Ấp Mỹ Phước, Xã Tân Hưng, Huyện Cái Bè, Tiền Giang|10102022")


def test_code_shown_to_the_simulated_ip_camera_is_decoded_once() -> None:
    scene = VirtualCamera(width=640, height=480, fps=15, seed=4, harsh=False)
    server = MjpegServer(scene).start()
    repeats = RepeatFilter(window_s=30)
    reported: list[str] = []
    try:
        with Camera(server.url) as camera:
            assert camera.wait_frame(timeout=10) is not None
            scene.present(CCCD)
            seq, deadline = 0, time.monotonic() + 15
            while time.monotonic() < deadline and len(reported) < 1:
                frame = camera.wait_frame(after_seq=seq, timeout=1)
                if frame is None:
                    continue
                seq = frame.seq
                reported += [code.text for code in decode_frame(frame.image)
                             if code.text is not None and repeats.admit(code.text)]
            assert camera.health().state == "ok" and camera.health().fps > 0
    finally:
        server.stop()
    assert reported == [CCCD]


def test_simulated_reader_module_delivers_through_the_link() -> None:
    got: list[str] = []
    arrived = threading.Event()

    def on_code(text: str, _source: str, _at: float) -> None:
        got.append(text)
        arrived.set()

    with QrReaderDevice(baud=115200) as device:
        link = QrReaderLink(device.port, baud=115200, heartbeat_s=0.5)
        link.start(on_code)
        try:
            assert wait_until(lambda: link.health().state == "ok", 5)
            assert link.health().detail == "", "the module acknowledged the mode change"
            device.scan(CCCD)
            assert arrived.wait(5)
            # Two heartbeats done (a third sent only after), answered by the simulator.
            seen = device.commands_seen
            assert wait_until(lambda: device.commands_seen >= seen + 3, 5)
            assert link.health().state == "ok"
        finally:
            link.stop()
    assert got == [CCCD]
