"""Benchmarks run by make bench targets (figures go to docs/PERFORMANCE.md)."""
