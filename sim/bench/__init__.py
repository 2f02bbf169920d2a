"""Benchmarks that run real parts on simulated load: they may use the simulator, the products
never do."""
