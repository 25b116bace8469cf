"""Shared set-up for the benchmarks: a sandbox assistant in a throw-away data dir, and request counting.

Not a benchmark itself (the runner only runs `bench_*` modules). Everything runs against the
sandbox, so `make bench` needs no credentials and never touches the network.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from actions.assistant import Assistant, build_assistant
from actions.sandbox import Sandbox, SandboxRequest
from actions.settings import AppSettings

__all__ = ["DEMO", "AUTH_OPERATIONS", "is_auth", "new_assistant", "order_reads", "quiet_streamlit", "scratch_dir"]

DEMO: tuple[str, ...] = tuple(f"#{n}" for n in range(1001, 1015))
# CJ sells an access token for the API key, once per client (CJ allows one every 5 minutes);
# it is an authentication exchange, not a read of an order, and is counted apart.
AUTH_OPERATIONS = frozenset({"/authentication/getAccessToken", "/authentication/refreshAccessToken"})


def scratch_dir() -> Path:
    """A fresh temporary data dir (the activity log of a benchmark never mixes with the app's)."""
    path = Path(tempfile.mkdtemp(prefix="cancel-assist-bench-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def new_assistant(*, latency: float = 0.0, data_dir: Path | None = None) -> Assistant:
    """The product's own wiring (`build_assistant`) over a fresh sandbox whose simulated people answer at once."""
    sandbox = Sandbox(service_reply_delay=0.0, seller_reply_delay=0.0, latency=latency)
    return build_assistant(AppSettings(data_dir=data_dir or scratch_dir()), sandbox=sandbox)


def is_auth(request: SandboxRequest) -> bool:
    return request.operation in AUTH_OPERATIONS


def order_reads(requests: Sequence[SandboxRequest] | Iterable[SandboxRequest]) -> Counter[str]:
    """Requests per system that were not an authentication exchange."""
    return Counter(r.system for r in requests if not is_auth(r))


def quiet_streamlit() -> None:
    """Silence AppTest's "missing ScriptRunContext" warnings so the printed table stays readable."""
    import logging

    logger = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    if not any(getattr(f, "_cancel_assist", False) for f in logger.filters):
        drop = logging.Filter()
        drop.filter = lambda record: "missing ScriptRunContext" not in record.getMessage()  # type: ignore[method-assign]
        drop._cancel_assist = True  # type: ignore[attr-defined]
        logger.addFilter(drop)
