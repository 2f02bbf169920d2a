"""MicroPython firmware of the thermometer node (RP2040 class); its protocol codec is shared."""
