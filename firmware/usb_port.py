"""The USB CDC serial port (MicroPython's stdin/stdout) behind the UART-like interface the node
uses: any(), readinto(buf), write(buf)."""

import select

# MicroPython has no typing module; mypy treats TYPE_CHECKING as true whatever its value.
# uselect names MicroPython's poll (with ipoll) even when mypy runs over the host's code.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from uselect import poll as Poller


class UsbPort:
    """Non-blocking byte I/O over the USB serial console; no allocation per byte."""

    def __init__(self, stdin, stdout) -> None:
        """stdin and stdout are sys.stdin and sys.stdout: polled as text, used as bytes."""
        self._stdin = stdin.buffer
        self._stdout = stdout.buffer
        self._poll: Poller = select.poll()
        self._poll.register(stdin, select.POLLIN)
        self._one = bytearray(1)

    def any(self) -> int:
        """1 when at least one byte is waiting, else 0 (ipoll allocates nothing)."""
        for _ in self._poll.ipoll(0):
            return 1
        return 0

    def readinto(self, buf: bytearray) -> int:
        """Read the waiting bytes, at most len(buf); never blocks."""
        count = 0
        # stdin.buffer.readinto blocks until the buffer is full, so read one polled byte at
        # a time.
        while count < len(buf) and self.any():
            self._stdin.readinto(self._one)
            buf[count] = self._one[0]
            count += 1
        return count

    def write(self, buf: bytearray) -> int:
        """Write the whole frame."""
        self._stdout.write(buf)
        return len(buf)
