"""A server's garbage collection after each rerun does not rescan what the process loaded at start.

Python's full collections (and Streamlit's after each run, `runner.postScriptGC`, off in the project's
config since it also scans every open session) would rescan every module object. The app
freezes what its first run loaded (Streamlit, pydantic, the app, the sandbox's schema) once per
process, so later collections scan only what sessions create. Checked in a fresh process, where
nothing else (a test building the full schema) could have frozen anything before.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

_PROBE = r"""
import gc, json, sys
from streamlit.testing.v1 import AppTest

calls = []
real_freeze = gc.freeze
gc.freeze = lambda: (calls.append(1), real_freeze())[1]
at = AppTest.from_file(sys.argv[1], default_timeout=60)
at.secrets["cancel_assist"] = {"sandbox": True}
at.query_params["order"] = "1001"
before = gc.get_freeze_count()
at.run()
first = gc.get_freeze_count()
at.run()
print(json.dumps({"before": before, "after_first_run": first, "freezes": len(calls),
                  "failed": [e.message for e in at.exception]}))
"""


def test_the_first_run_freezes_the_startup_objects_once(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOPIFY_", "ALIEXPRESS_", "CJ_", "CANCEL_ASSIST_"))}
    env.update(PYTHONPATH=str(REPO), CANCEL_ASSIST_DATA_DIR=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", _PROBE, str(REPO / "streamlit_app.py")], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=300, check=True)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["failed"] == []
    assert seen["before"] == 0
    assert seen["after_first_run"] > 10_000  # Streamlit, pydantic and the app's modules at least
    assert seen["freezes"] == 1  # once per process: what sessions create later stays collectable
