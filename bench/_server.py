"""A real Streamlit server for the benchmarks, its CPU and memory, and Streamlit's websocket protocol.

Not a benchmark itself. `serve(script)` runs `streamlit run` headless on a free loopback port (the
app on the sandbox, in a throw-away data dir; `tests.app_server` starts and stops it, as for the
browser tests) and stops it when the block ends, whatever happens.
`frames_log` is the in-page recorder the browser benchmark injects; `decode_in`/`decode_out` read
Streamlit's protobuf messages so a rerun ends exactly at its `script_finished` message.
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests import app_server

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

# Every websocket frame the page sends or receives, with the page's own clock (performance.now()).
RECORDER_JS = r"""
(() => {
  const log = [];
  window.__wsLog = log;
  const b64 = (bytes) => {
    let s = "";
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s);
  };
  const Native = window.WebSocket;
  class Recorded extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (ev) => {
        const t = performance.now();
        const d = ev.data;
        const bytes = d instanceof ArrayBuffer ? new Uint8Array(d) : null;
        log.push({t, dir: "in", len: bytes ? bytes.length : (d.length || d.size || 0), b64: bytes ? b64(bytes) : ""});
      });
    }
    send(data) {
      const t = performance.now();
      let bytes = null;
      if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
      else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      log.push({t, dir: "out", len: bytes ? bytes.length : (data.length || data.size || 0), b64: bytes ? b64(bytes) : ""});
      return super.send(data);
    }
  }
  window.WebSocket = Recorded;
})();
"""


def decode_in(b64: str) -> ForwardMsg | None:
    if not b64:
        return None
    msg = ForwardMsg()
    try:
        msg.ParseFromString(base64.b64decode(b64))
    except Exception:  # noqa: BLE001 - a frame we cannot read is not a script_finished
        return None
    return msg


def decode_out(b64: str) -> BackMsg | None:
    if not b64:
        return None
    msg = BackMsg()
    try:
        msg.ParseFromString(base64.b64decode(b64))
    except Exception:  # noqa: BLE001
        return None
    return msg


def is_script_finished(msg: ForwardMsg | None) -> bool:
    return msg is not None and msg.WhichOneof("type") == "script_finished"


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
