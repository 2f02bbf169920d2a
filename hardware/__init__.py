"""Device drivers: frames to decoded codes, serial devices to readings. Knows devices, not verdicts."""
