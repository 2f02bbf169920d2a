"""`chot sim camera` and `chot sim device reader` from the command line: URL / path first,
a JSON summary last, a clear answer to bad arguments."""

from __future__ import annotations

import json
import subprocess
import sys

import serial

from hardware.camera import Camera


def chot(*args: str) -> list[str]:
    return [sys.executable, "-m", "chot", *args]


def test_sim_camera_serves_a_stream_the_kiosk_capture_reads() -> None:
    proc = subprocess.Popen(chot("sim", "camera", "--size", "640x360", "--duration", "6",
                                 "--every", "1"), stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:") and url.endswith("/stream.mjpg")
    capture = Camera(url)
    try:
        capture.start()
        frame = capture.wait_frame(0, timeout=10)
        assert frame is not None and frame.image.shape == (360, 640, 3)
    finally:
        capture.stop()
    out, _ = proc.communicate(timeout=30)
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["url"] == url and summary["presented"] >= 3 and summary["frames"] > 30


def test_sim_camera_refuses_a_bad_size() -> None:
    done = subprocess.run(chot("sim", "camera", "--size", "big"), capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 2
    assert json.loads(done.stdout.strip().splitlines()[-1])["reason"] == "bad_argument"


def test_sim_device_reader_scans_each_stdin_line() -> None:
    proc = subprocess.Popen(chot("sim", "device", "reader"), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, encoding="utf-8")
    assert proc.stdin is not None and proc.stdout is not None
    port_path = proc.stdout.readline().strip()
    # Open (pyserial's open empties the input): from here the host takes whatever is sent.
    with serial.Serial(port_path, 115200, timeout=5) as port:
        proc.stdin.write("012345678901||Lò Văn Páo|01011980|Nam|Bản Mường Thanh|01012021\n")
        proc.stdin.flush()
        line = port.read_until(b"\r\n")
    assert line.decode("utf-8") == \
        "012345678901||Lò Văn Páo|01011980|Nam|Bản Mường Thanh|01012021\r\n"
    out, _ = proc.communicate(timeout=30)  # closes stdin: the reader stops
    assert json.loads(out.strip().splitlines()[-1])["scans"] == 1
