"""CPython stand-ins for MicroPython's `machine`, `micropython` and `utime`, backed by a
simulated board (I2C bus with register-level sensor models, pins, PWM, watchdog).

`install()` puts the stand-ins into sys.modules so the firmware imports them unchanged; each
thread running firmware is bound to its own `Board` with `bind()`.
"""

from __future__ import annotations

import sys

from sim.machine_model.board import Board, BoardReset, PowerLoss, bind, current_board

__all__ = ["Board", "BoardReset", "PowerLoss", "bind", "current_board", "install"]


def install() -> None:
    """Make `import machine`, `import micropython` and `import utime` give the stand-ins."""
    from sim.machine_model import machine, micropython, utime

    for name, module in (("machine", machine), ("micropython", micropython), ("utime", utime)):
        existing = sys.modules.get(name)
        if existing is not None and existing is not module:
            raise RuntimeError(f"a different {name!r} module is already imported")
        sys.modules[name] = module
