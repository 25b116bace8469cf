"""Evidence suites: the real assistant over the sandbox, with sleeps removed so faults cost no time.

`make_assistant` is the product's own wiring (`build_assistant`) with a no-op `sleep`, so retries,
throttle waits and job polls happen at once. The fault matrix records each cell it checks in
`COVERED`, and the terminal summary prints how many it covered.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import httpx
import pytest

from actions.assistant import Assistant, build_assistant
from actions.sandbox import Sandbox
from actions.settings import AppSettings

__all__ = ["AFTER_WRITE_COVERED", "COVERED", "TRACEBACK", "FaultAfterWrite", "make_assistant", "new_sandbox", "reads_after_write"]

COVERED: set[tuple[str, str]] = set()  # (call, fault) cells of the fault matrix that passed
AFTER_WRITE_COVERED: set[tuple[str, int, str, str]] = set()  # (write, read after it, fault, how long) cells
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


class FaultAfterWrite(httpx.BaseTransport):
    """The sandbox, with `fault` injected on the `position`-th read that follows one write.

    Nothing is faulted until `arm()`; then, once a request of `operation` (the write) has gone
    through, the fault is set on the chosen read after it: that one read (`persist=False`), or
    every read from it on (`persist=True`) until `disarm()`. Reads are counted as they arrive.
    """

    def __init__(self, sandbox: Sandbox, operation: str, *, position: int, fault: str, persist: bool) -> None:
        self._sandbox = sandbox
        self._operation = operation
        self._position = position
        self._rule = f"*.read:{fault}" + ("" if persist else "@1")
        self._start: int | None = None
        self._lock = threading.Lock()
        self.injected = False

    def arm(self) -> None:
        with self._lock:
            self._start, self.injected = len(self._sandbox.requests), False

    def disarm(self) -> None:
        with self._lock:
            self._start = None
        self._sandbox.set_faults("")

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return self._sandbox.transport.handle_request(request)
        finally:
            self._after_request()

    def _after_request(self) -> None:
        with self._lock:
            if self._start is None or self.injected:
                return
            log = self._sandbox.requests[self._start:]
            write = next((i for i, r in enumerate(log) if r.is_write and r.operation == self._operation), None)
            if write is None:
                return
            reads = sum(1 for r in log[write + 1:] if not r.is_write)
            if reads == self._position - 1:
                self._sandbox.set_faults(self._rule)
                self.injected = True


def reads_after_write(sandbox: Sandbox, start: int, operation: str) -> list[tuple[str, str]]:
    """(system, operation) of every read the sandbox received after the write, since `start`."""
    log = sandbox.requests[start:]
    write = next(i for i, r in enumerate(log) if r.is_write and r.operation == operation)
    return [(r.system, r.operation) for r in log[write + 1:] if not r.is_write]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if COVERED:
        calls = len({c for c, _ in COVERED})
        faults = len({f for _, f in COVERED})
        terminalreporter.write_line(
            f"fault matrix: {len(COVERED)} cells covered ({calls} remote calls x {faults} faults)"
        )
    if AFTER_WRITE_COVERED:
        writes = len({w for w, _, _, _ in AFTER_WRITE_COVERED})
        reads = len({(w, n) for w, n, _, _ in AFTER_WRITE_COVERED})
        terminalreporter.write_line(
            f"fault matrix, reads after a write: {len(AFTER_WRITE_COVERED)} cells covered ({writes} writes, "
            f"{reads} reads after them x {len({f for _, _, f, _ in AFTER_WRITE_COVERED})} faults x once or "
            "from then on)"
        )
