"""A real Streamlit server for the benchmarks, its CPU and memory, and Streamlit's websocket protocol.

Not a benchmark itself. `serve(script)` runs `streamlit run` headless on a free loopback port (the
app on the sandbox, in a throw-away data dir; `tests.app_server` starts and stops it, as for the
browser tests) and stops it when the block ends, whatever happens.
The in-page frame recorder and the decoders of Streamlit's protobuf messages live in `tests.ws_frames`
(the browser tests use them too) and are re-exported here, so a rerun ends exactly at its `script_finished`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests import app_server
from tests.ws_frames import RECORDER_JS, decode_in, decode_out, is_script_finished

__all__ = [
    "APP",
    "BARE_PAGE",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "RECORDER_JS",
    "Server",
    "decode_in",
    "decode_out",
    "is_script_finished",
    "serve",
]

APP = app_server.APP
BARE_PAGE = 'import streamlit as st\n\nst.checkbox("Done", key="done")\n'
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
_TICK = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")

@dataclass
class Server:
    base: str
    port: int
    pid: int

    def cpu_seconds(self) -> float:
        """User + system CPU the server process has used so far (all its threads)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK

    def rss_mb(self) -> float:
        pages = int(Path(f"/proc/{self.pid}/statm").read_text().split()[1])
        return pages * _PAGE / 1e6


@contextlib.contextmanager
def serve(script: Path | str | None = None) -> Iterator[Server]:
    """`streamlit run` on the app (or on `script`'s source text) on the sandbox, until the block ends."""
    work = Path(tempfile.mkdtemp(prefix="cancel-assist-bench-server-"))
    if isinstance(script, str):
        path = work / "page.py"
        path.write_text(script, encoding="utf-8")
    else:
        path = Path(script or APP)
    try:
        with app_server.serve(work, app_server.sandbox_env(work / "data"), script=path) as served:
            yield Server(served.base, served.port, served.proc.pid)
    finally:
        shutil.rmtree(work, ignore_errors=True)
