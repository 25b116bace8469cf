"""Evidence suites: the real assistant over the sandbox, with sleeps removed so faults cost no time.

`make_assistant` wires the same classes `build_assistant` does (Shopify, AliExpress and CJ clients
over one sandbox transport, one activity store) but with a no-op `sleep`, so retries, throttle
waits and job polls happen at once. The fault matrix records each cell it checks in `COVERED`,
and the terminal summary prints how many it covered.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from actions.activity import ActivityStore
from actions.aliexpress import AliExpressClient
from actions.assistant import Assistant
from actions.cjdropshipping import CJClient
from actions.sandbox import Sandbox
from actions.shopify import ShopifyClient

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
    sandbox = sandbox or new_sandbox()
    box = sandbox.settings
    assert box.shopify is not None and box.aliexpress is not None and box.cjdropshipping is not None
    client = http or httpx.Client(transport=sandbox.transport, timeout=httpx.Timeout(5.0))
    return Assistant(
        settings=box.model_copy(update={"data_dir": data_dir}),
        shopify=ShopifyClient(client, box.shopify, sleep=_no_sleep, poll_interval=0.0, poll_timeout=1.0),
        suppliers={
            "aliexpress": AliExpressClient(client, box.aliexpress, sleep=_no_sleep),
            "cjdropshipping": CJClient(client, box.cjdropshipping, sleep=_no_sleep),
        },
        activity=ActivityStore(data_dir / "cancel-assist.sqlite3", secrets=box.secrets()),
        sandbox=sandbox,
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if COVERED:
        calls = len({c for c, _ in COVERED})
        faults = len({f for _, f in COVERED})
        terminalreporter.write_line(
            f"fault matrix: {len(COVERED)} cells covered ({calls} remote calls x {faults} faults)"
        )
