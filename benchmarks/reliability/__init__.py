"""Reproducers of the trust-boundary and reliability items of issue 12, run against real servers
(``benchmarks/bench_reliability.py`` is the command)."""
