"""Stand-in for `random`, which the WASI build of MicroPython lacks (the rp2 port has it)."""


def getrandbits(bits):
    """A fixed boot id, so the test knows it."""
    return 0x01020304 & ((1 << bits) - 1)
