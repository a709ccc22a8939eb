"""Benchmarks: python -m bench.run times each page query set against a pandas baseline."""
