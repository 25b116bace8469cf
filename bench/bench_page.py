"""What the walkthrough page costs to render, as a ratio to a bare Streamlit page measured in the same run.

Both run under AppTest on this machine, now: a bare page with one checkbox, and the real app
(`streamlit_app.py`) showing order #1001 on the sandbox. The median of `RUNS` first renders and
of `RUNS` checkbox-click reruns of each gives two ratios; absolute times are reported too but
machines are noisy, so the ratios are the headline. The sandbox answers instantly here, so the
walkthrough's numbers are its own work (layout, decide, the activity log), not the network's.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench._support import new_assistant, quiet_streamlit

__all__ = ["BARE_PAGE", "RUNS", "run"]

RUNS = 7
APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
BARE_PAGE = 'import streamlit as st\nst.checkbox("Done", key="done")\n'
# Budgets: generous, because only a regression by a large factor is a finding on a noisy machine.
FIRST_RENDER_BUDGET = 30.0
RERUN_BUDGET = 100.0


def _bare() -> AppTest:
    return AppTest.from_string(BARE_PAGE, default_timeout=30)


def _walkthrough() -> AppTest:
    from pages._ui import ASSISTANT_KEY

    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["cancel_assist"] = {"sandbox": True}
    at.query_params["order"] = "1001"
    at.session_state[ASSISTANT_KEY] = new_assistant()
    return at


def _checkbox(at: AppTest) -> object:
    from pages._ui import state_key

    boxes = [b for b in at.checkbox if b.key == "done" or str(b.key or "").startswith(state_key("progress"))]
    if not boxes:
        raise RuntimeError("no checkbox to click")
    return boxes[0]


def _timed(make: Callable[[], AppTest]) -> tuple[float, float]:
    """Median seconds of a first render and of a checkbox-click rerun (a fresh session each run)."""
    first, rerun = [], []
    for i in range(RUNS + 1):  # the first round warms imports and caches and is not counted
        at = make()
        started = time.perf_counter()
        at.run()
        rendered = time.perf_counter() - started
        if at.exception:
            raise RuntimeError(f"the page failed: {at.exception[0].message}")
        box = _checkbox(at)
        started = time.perf_counter()
        box.check().run()  # type: ignore[attr-defined]
        clicked = time.perf_counter() - started
        if i:
            first.append(rendered)
            rerun.append(clicked)
    return statistics.median(first), statistics.median(rerun)


def run() -> dict[str, object]:
    quiet_streamlit()
    bare_first, bare_rerun = _timed(_bare)
    page_first, page_rerun = _timed(_walkthrough)
    first_ratio, rerun_ratio = page_first / bare_first, page_rerun / bare_rerun
    return {
        "runs (median of)": RUNS,
        "first render ratio (walkthrough / bare page)": round(first_ratio, 1),
        "checkbox rerun ratio (walkthrough / bare page)": round(rerun_ratio, 1),
        "walkthrough first render ms": round(page_first * 1000, 1),
        "walkthrough checkbox rerun ms": round(page_rerun * 1000, 1),
        "bare page first render ms": round(bare_first * 1000, 1),
        "bare page checkbox rerun ms": round(bare_rerun * 1000, 1),
        "budget_ok": first_ratio < FIRST_RENDER_BUDGET and rerun_ratio < RERUN_BUDGET,
    }
