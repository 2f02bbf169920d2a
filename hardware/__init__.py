"""Device drivers: frames to codes, serial devices to readings. Knows devices, not verdicts."""
