"""Run every `bench/bench_*.py` module (or those named on the command line) and report.

Usage: `python -m bench [NAME ...]` where NAME is a module name with or without `bench_`.
Prints a table. A full run (no NAME) also writes `bench/results/latest.json` and `latest.md`; a
partial run leaves them alone, so the report the README quotes is always one complete run.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import platform
import sys
import time
import traceback
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["main", "run_all"]

_HERE = Path(__file__).resolve().parent
_RESULTS = _HERE / "results"


def _module_names(wanted: Sequence[str]) -> list[str]:
    names = sorted(m.name for m in pkgutil.iter_modules([str(_HERE)]) if m.name.startswith("bench_"))
    if not wanted:
        return names
    chosen = {w if w.startswith("bench_") else f"bench_{w}" for w in wanted}
    unknown = chosen - set(names)
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}; have: {', '.join(names)}")
    return [n for n in names if n in chosen]


def run_all(wanted: Sequence[str] = ()) -> dict[str, dict[str, object]]:
    """Run the benchmarks; a failing one is reported as {'error': ...}, never hides the others."""
    results: dict[str, dict[str, object]] = {}
    for name in _module_names(wanted):
        started = time.perf_counter()
        try:
            metrics = dict(importlib.import_module(f"bench.{name}").run())
        except Exception as exc:  # a benchmark crash is a result to report, not a reason to stop
            traceback.print_exc(file=sys.stderr)
            metrics = {"error": f"{type(exc).__name__}: {exc}"}
        metrics["wall_seconds"] = round(time.perf_counter() - started, 3)
        results[name.removeprefix("bench_")] = metrics
    return results


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _rows(results: Mapping[str, Mapping[str, object]]) -> list[tuple[str, str, str]]:
    return [(bench, key, _fmt(value)) for bench, metrics in results.items() for key, value in metrics.items()]


def _markdown(results: Mapping[str, Mapping[str, object]], meta: Mapping[str, str]) -> str:
    lines = [f"# Benchmarks ({meta['generated_at']}, Python {meta['python']}, {meta['machine']})", "",
             f"Measured under {meta['load']}.", "",
             "| benchmark | metric | value |", "|---|---|---|"]
    lines += [f"| {b} | {k} | {v} |" for b, k, v in _rows(results)]
    return "\n".join(lines) + "\n"


def _table(results: Mapping[str, Mapping[str, object]]) -> str:
    rows = [("benchmark", "metric", "value"), *_rows(results)]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    out = []
    for i, row in enumerate(rows):
        out.append("  ".join(cell.ljust(w) if j < 2 else cell.rjust(w) for j, (cell, w) in enumerate(zip(row, widths))))
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    wanted = list(sys.argv[1:] if argv is None else argv)
    load_before = os.getloadavg()
    results = run_all(wanted)
    load_after = os.getloadavg()
    meta = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        # The machine may be shared: the 1-minute load average before and after says how busy it was.
        "load": f"1-min load average {load_before[0]:.1f} before, {load_after[0]:.1f} after",
    }
    if not wanted:
        _RESULTS.mkdir(parents=True, exist_ok=True)
        (_RESULTS / "latest.json").write_text(json.dumps({**meta, "results": results}, indent=2, default=str) + "\n")
        (_RESULTS / "latest.md").write_text(_markdown(results, meta))
    print(_table(results))
    if wanted:
        print(f"\n(partial run: {_RESULTS.name}/latest.* left as they were; `python -m bench` refreshes them)")
    failed = [b for b, m in results.items() if "error" in m or m.get("budget_ok") is False]
    if failed:
        print(f"\nfailed or over budget: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
