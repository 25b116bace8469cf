"""Evidence suites: the real assistant over the sandbox, with sleeps removed so faults cost no time.

`make_assistant` is the product's own wiring (`build_assistant`) with a no-op `sleep`, so retries,
throttle waits and job polls happen at once. The fault matrix records each cell it checks in
`COVERED`, and the terminal summary prints how many it covered.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from actions.assistant import Assistant, build_assistant
from actions.sandbox import Sandbox
from actions.settings import AppSettings

__all__ = ["COVERED", "TRACEBACK", "make_assistant", "new_sandbox"]

COVERED: set[tuple[str, str]] = set()  # (call, fault) cells of the fault matrix that passed
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+|\bhttpx\.\w+Error\b")


def _no_sleep(_seconds: float) -> None:
    return None


def new_sandbox(**kwargs: object) -> Sandbox:
    """A sandbox whose simulated people and jobs answer at once."""
    options: dict[str, object] = {"service_reply_delay": 0.0, "seller_reply_delay": 0.0, "job_delay": 0.0}
    options.update(kwargs)
    return Sandbox(**options)  # type: ignore[arg-type]


def make_assistant(data_dir: Path, *, sandbox: Sandbox | None = None, http: httpx.Client | None = None) -> Assistant:
    """The product's assistant over `sandbox` (or a new one), its activity log in `data_dir`."""
    return build_assistant(AppSettings(data_dir=data_dir), sandbox=sandbox or new_sandbox(), http=http,
                           sleep=_no_sleep)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if COVERED:
        calls = len({c for c, _ in COVERED})
        faults = len({f for _, f in COVERED})
        terminalreporter.write_line(
            f"fault matrix: {len(COVERED)} cells covered ({calls} remote calls x {faults} faults)"
        )
