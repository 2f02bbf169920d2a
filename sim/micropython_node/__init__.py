"""What runs inside MicroPython (the WebAssembly port under Node.js) for
sim/micropython_thermometer.py: the runner, the board's `machine` and the entry point. Not
imported by CPython."""
