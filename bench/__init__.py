"""Benchmarks: `python -m bench` runs every `bench/bench_*.py` module's `run() -> dict`.

A benchmark module returns a flat dict of metrics (name -> number or short text). By
convention a `budget_ok` key (bool) says whether the measured speed meets the project's
promise; the runner exits non-zero when a benchmark fails or misses its budget. Results go
to `bench/results/latest.json` and `latest.md`. Speed lives here, never in tests.
"""

from __future__ import annotations

__all__: list[str] = []
