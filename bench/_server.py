"""A real Streamlit server for the benchmarks, its CPU and memory, and Streamlit's websocket protocol.

Not a benchmark itself. `serve(script)` runs `streamlit run` headless on a free loopback port (the
app on the sandbox, in a throw-away data dir) and stops it when the block ends, whatever happens.
`frames_log` is the in-page recorder the browser benchmark injects; `decode_in`/`decode_out` read
Streamlit's protobuf messages so a rerun ends exactly at its `script_finished` message.
"""

from __future__ import annotations

import base64
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

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

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "streamlit_app.py"
BARE_PAGE = 'import streamlit as st\n\nst.checkbox("Done", key="done")\n'
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
_LIVE_ENV_PREFIXES = ("SHOPIFY_", "ALIEXPRESS_", "CJ_", "CANCEL_ASSIST_")
_START_TIMEOUT_S = 90.0
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve(script: Path | str | None = None) -> Iterator[Server]:
    """`streamlit run` on the app (or on `script`'s source text) on the sandbox, until the block ends."""
    work = Path(tempfile.mkdtemp(prefix="cancel-assist-bench-server-"))
    if isinstance(script, str):
        path = work / "page.py"
        path.write_text(script, encoding="utf-8")
    else:
        path = Path(script or APP)
    env = {k: v for k, v in os.environ.items() if not k.startswith(_LIVE_ENV_PREFIXES)}
    env.update(CANCEL_ASSIST_DATA_DIR=str(work / "data"), CANCEL_ASSIST_SANDBOX="1")
    port = _free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(path), "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(port), "--server.fileWatcherType", "none",
               "--server.runOnSave", "false", "--browser.gatherUsageStats", "false"]
    log = work / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + _START_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start at {base}: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield Server(base, port, proc.pid)
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)
        import shutil

        shutil.rmtree(work, ignore_errors=True)
