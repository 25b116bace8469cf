"""How fast `kb.paths.decide` is: 10,000 generated order states, best of three runs.

The promise (issue 3): deciding 10,000 random states takes well under a second.
"""

from __future__ import annotations

import random
import time
from collections import Counter

from kb.paths import decide
from tests.kb.states import random_order_state

__all__ = ["BUDGET_SECONDS", "STATES", "run"]

STATES = 10_000
BUDGET_SECONDS = 1.0
_RUNS = 3


def run() -> dict[str, object]:
    rng = random.Random(20260302)
    states = [random_order_state(rng) for _ in range(STATES)]
    decide(states[0])  # warm the guide cache: the app parses the guide once, too
    best = float("inf")
    for _ in range(_RUNS):
        started = time.perf_counter()
        for state in states:  # one walkthrough at a time, as the app does: nothing kept alive
            decide(state)
        best = min(best, time.perf_counter() - started)
    paths = Counter(decide(state).path.value for state in states)
    return {
        "states": STATES,
        "seconds": round(best, 4),
        "states_per_second": round(STATES / best),
        "microseconds_per_state": round(best / STATES * 1e6, 1),
        "budget_seconds": BUDGET_SECONDS,
        "budget_ok": best < BUDGET_SECONDS,
        "paths_seen": len(paths),
        "most_common_path": paths.most_common(1)[0][0],
    }
