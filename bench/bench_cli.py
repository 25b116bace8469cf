"""How fast the CLI answers: `cancel-assist status 1001 --json` on the sandbox vs its imports alone.

Each run is a new process, as an agent's shell gives it, in a throw-away folder (the sandbox kept
in `<data_dir>/sandbox.json`, seeded by a first run that is not counted). The two commands take
turns RUNS times; the medians of wall time and of CPU (user + system of the child) give the ratios.
Target (issue 15): `status` <= 2x `python -c "import actions.cli"` (reported, not enforced).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench._support import scratch_dir

__all__ = ["RUNS", "run"]

RUNS = 11
_STATUS = [sys.executable, "-m", "actions.cli", "status", "1001", "--json"]
_IMPORTS = [sys.executable, "-c", "import actions.cli"]
_GROSS = 20.0


def _timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[1:])} exited {done.returncode}: {done.stderr[-300:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def run() -> dict[str, object]:
    work = scratch_dir()
    root = str(Path(__file__).resolve().parents[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOPIFY_", "ALIEXPRESS_", "CJ_", "CANCEL_ASSIST_"))}
    env.update(CANCEL_ASSIST_DATA_DIR=str(work / "data"), PYTHONPATH=root)
    _, _, out = _timed(_STATUS, work, env)  # seeds the sandbox file and warms the OS file cache
    if json.loads(out).get("path") is None:
        raise RuntimeError("status --json printed no path")
    _timed(_IMPORTS, work, env)
    status, imports = [], []
    for _ in range(RUNS):
        status.append(_timed(_STATUS, work, env)[:2])
        imports.append(_timed(_IMPORTS, work, env)[:2])
    wall = (statistics.median(s[0] for s in status), statistics.median(i[0] for i in imports))
    cpu = (statistics.median(s[1] for s in status), statistics.median(i[1] for i in imports))
    ratio = wall[0] / wall[1]
    return {
        "runs (median of, interleaved)": RUNS,
        "status 1001 --json wall ms": round(wall[0] * 1000, 1),
        "import actions.cli wall ms": round(wall[1] * 1000, 1),
        "wall ratio (status / imports; target <= 2)": round(ratio, 2),
        "status CPU ms": round(cpu[0] * 1000, 1),
        "import actions.cli CPU ms": round(cpu[1] * 1000, 1),
        "CPU ratio (status / imports)": round(cpu[0] / cpu[1], 2),
        "CLI target met": ratio <= 2.0,
        "budget_ok": ratio < _GROSS,
    }
