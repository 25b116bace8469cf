"""Streamlit's websocket frames as a page sees them: a recorder injected into the page, and the decoders.

Used by browser tests (what one click sends back) and by the benchmarks (when a rerun ends): the
recorder timestamps every frame with the page's own clock, so polling from outside never adds to a figure.
"""

from __future__ import annotations

import base64
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

__all__ = ["RECORDER_JS", "decode_in", "decode_out", "first_rerun", "is_rerun_sent", "is_script_finished"]

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


def is_rerun_sent(frame: dict[str, Any]) -> bool:
    """A frame the page sent that asks the server for a rerun (a click, a tick, a first run)."""
    if frame["dir"] != "out":
        return False
    msg = decode_out(frame["b64"])
    return msg is not None and msg.WhichOneof("type") == "rerun_script"


def first_rerun(frames: list[dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """The first rerun the page asked for in `frames`: (the frame it sent, the frames it received up to and
    with that run's `script_finished`); None while it has not finished."""
    sent = next((i for i, frame in enumerate(frames) if is_rerun_sent(frame)), None)
    if sent is None:
        return None
    received: list[dict[str, Any]] = []
    for frame in frames[sent + 1:]:
        if frame["dir"] == "in":
            received.append(frame)
            if is_script_finished(decode_in(frame["b64"])):
                return frames[sent], received
    return None
