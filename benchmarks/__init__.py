"""Benchmark harness of the Portail SSES (`make bench`, see benchmarks/run.py)."""
