"""A live shop never pays for the sandbox: no sandbox module, no GraphQL library, no schema in the process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

_PROBE = r"""
import json, sys
from actions.assistant import build_assistant
from actions.settings import load_settings

settings = load_settings({}, {"SHOPIFY_SHOP": "example.myshopify.com", "SHOPIFY_ACCESS_TOKEN": "shpat_x",
                              "CANCEL_ASSIST_DATA_DIR": sys.argv[1]})
assistant = build_assistant(settings)
print(json.dumps({"mode": assistant.mode, "loaded": sorted(m for m in sys.modules
                  if m == "graphql" or m.startswith(("graphql.", "actions.sandbox")))}))
"""


def test_a_live_assistant_loads_neither_the_sandbox_nor_graphql(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOPIFY_", "CANCEL_ASSIST_"))}
    out = subprocess.run([sys.executable, "-c", _PROBE, str(tmp_path)], env={**env, "PYTHONPATH": str(REPO)},
                         cwd=tmp_path, capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(out.stdout) == {"mode": "live", "loaded": []}
