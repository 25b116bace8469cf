"""The type checker passes: mypy in strict mode over `kb/` and `actions/` (configured in pyproject.toml).

The sandbox (a test double answering raw JSON) keeps untyped dicts; every other module is checked in full.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]


def test_mypy_finds_no_type_error_in_the_domain_and_the_adapters() -> None:
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=_ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout
