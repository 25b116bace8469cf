"""A persisted sandbox keeps its shared file lock short, and a save killed mid-way leaves nothing behind.

Issue 11 defect 9: the GraphQL schema was built inside the lock every process on the file shares
(1-2 s per process), so eight CLI commands on eight orders queued behind each other. These tests
count structurally, not by time: while the schema is built, another open file description must be
able to take the lock at once. A save killed with SIGKILL before its rename must not leave temp
files for ever: the next process to take the lock removes them.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import actions.sandbox.shopify as sandbox_shopify
from actions.sandbox import SANDBOX_SHOP, SANDBOX_TOKEN, Sandbox, order_gid

REPO = Path(__file__).resolve().parents[2]
URL = f"https://{SANDBOX_SHOP}/admin/api/2026-04/graphql.json"
AUTH = {"X-Shopify-Access-Token": SANDBOX_TOKEN}


def _clear_schema_caches() -> None:
    for name in ("sandbox_schema", "shopify_schema", "validated", "_parse_query"):
        cached = getattr(sandbox_shopify, name, None)
        if cached is not None and hasattr(cached, "cache_clear"):
            cached.cache_clear()


def _lock_is_free(lock_path: Path) -> bool:
    """Whether another open file description could take the sandbox's flock now (flock is per description)."""
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


@pytest.fixture()
def builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """Every schema build in this test, as 'was the sandbox's file lock free while it ran'."""
    lock_path = tmp_path / "sandbox.json.lock"
    seen: list[bool] = []
    real_build = sandbox_shopify.build_schema

    def build_schema(*args: Any, **kwargs: Any) -> Any:
        seen.append(_lock_is_free(lock_path))
        return real_build(*args, **kwargs)

    _clear_schema_caches()
    monkeypatch.setattr(sandbox_shopify, "build_schema", build_schema)
    yield seen
    _clear_schema_caches()  # never leave a cache holding a schema built by the patched function


def _post(sandbox: Sandbox, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    with sandbox.client() as http:
        response = http.post(URL, json={"query": query, "variables": variables or {}}, headers=AUTH)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_the_schema_of_an_app_document_is_built_outside_the_shared_lock(tmp_path: Path, builds: list[bool]) -> None:
    from actions.shopify_documents import ORDER_STATE_BY_ID

    sandbox = Sandbox(persist_path=tmp_path / "sandbox.json")
    body = _post(sandbox, ORDER_STATE_BY_ID.text, {"id": order_gid(1001)})
    assert body["data"]["order"]["name"] == "#1001"
    assert builds and all(builds), f"schema built while the lock was held: {builds}"


def test_the_full_schema_for_another_document_is_built_outside_the_shared_lock_too(
    tmp_path: Path, builds: list[bool]
) -> None:
    sandbox = Sandbox(persist_path=tmp_path / "sandbox.json")
    body = _post(sandbox, "{ shop { name currencyCode } }")  # not an app document: needs the full schema
    assert body["data"]["shop"]["currencyCode"] == "USD"
    assert builds and all(builds), f"schema built while the lock was held: {builds}"


_KILLED_SAVE = r"""
import os, signal, sys
from pathlib import Path
from actions.sandbox import Sandbox

sandbox = Sandbox(persist_path=Path(sys.argv[1]))
os.replace = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)  # dies after the temp file, before the rename
sandbox.reset()
"""


def test_a_save_killed_before_its_rename_leaves_no_temp_file_once_the_sandbox_is_used_again(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    Sandbox(persist_path=path).reset()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    killed = subprocess.run([sys.executable, "-c", _KILLED_SAVE, str(path)], env=env, cwd=REPO, timeout=120, check=False)
    assert killed.returncode == -9
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith(".sandbox-")]
    assert left, "the killed save should have left its temp file (else this test proves nothing)"

    Sandbox(persist_path=path).snapshot()  # any use of the file: a look-up, a control, the panel
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".sandbox-")] == []


def test_an_old_style_temp_file_is_removed_only_once_no_save_can_still_own_it(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    stale, fresh = tmp_path / ".sandbox-k3j4h5.json", tmp_path / ".sandbox-a1b2c3.json"
    stale.write_text("{", encoding="utf-8")
    fresh.write_text("{", encoding="utf-8")
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))

    Sandbox(persist_path=path).reset()
    assert not stale.exists()
    assert fresh.exists()  # may belong to a save running now in an older process on another file
