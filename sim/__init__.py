"""Simulator: virtual devices, travellers, uplink faults and scripted scenarios."""
