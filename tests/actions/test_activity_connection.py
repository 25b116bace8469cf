"""One SQLite connection per store, shared safely by session threads; records durable, ticks cheap."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

import actions.db as activity_module  # the SQLite engine under the store
from actions.activity import ActivityStore


@pytest.fixture()
def connects(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    opened: list[Any] = []
    real = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        opened.append(args[0] if args else kwargs.get("database"))
        return real(*args, **kwargs)

    monkeypatch.setattr(activity_module.sqlite3, "connect", connect)
    return opened


def test_clicks_reuse_the_stores_one_connection(tmp_path: Path, connects: list[Any]) -> None:
    store = ActivityStore(tmp_path / "log.sqlite3")
    opened_by_setup = len(connects)
    for i in range(20):  # a session ticking and unticking steps, reading progress after each click
        store.set_progress("gid://shopify/Order/1", f"step-{i % 3}", i % 2 == 0)
        store.progress("gid://shopify/Order/1")
    store.record(order_id="1", order_name="#1", ticket=None, action="check", outcome="ok", message="")
    assert opened_by_setup == 1
    assert len(connects) == 1


def test_another_process_writing_is_seen_through_the_kept_connection(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    mine, other = ActivityStore(path), ActivityStore(path)
    mine.progress("o")  # the connection is open and has read the file
    other.set_progress("o", "s", True)
    other.record(order_id="o", order_name="#1", ticket=None, action="check", outcome="ok", message="m")
    assert mine.progress("o") == frozenset({"s"})
    assert [r.message for r in mine.list(order="o")] == ["m"]


def test_records_commit_with_synchronous_full_and_checklist_ticks_with_normal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ActivityStore(tmp_path / "log.sqlite3")
    levels: list[int] = []  # PRAGMA synchronous as each write transaction begins: 1 NORMAL, 2 FULL
    real_transaction = activity_module._transaction

    def transaction(conn: sqlite3.Connection) -> Any:
        levels.append(conn.execute("PRAGMA synchronous").fetchone()[0])
        return real_transaction(conn)

    monkeypatch.setattr(activity_module, "_transaction", transaction)
    store.set_progress("o", "s", True)
    key = store.claim("k", order_id="o", order_name="#1", ticket=None, action="cancel_order")
    assert key is not None
    store.finish(key, outcome="ok", message="done")
    store.set_progress("o", "s", False)
    store.record(order_id="o", order_name="#1", ticket=None, action="check", outcome="ok", message="")
    assert levels == [1, 2, 2, 1, 2]  # the tick NORMAL; the claim, its result and a record FULL


def test_session_threads_share_the_store_without_losing_a_tick(tmp_path: Path) -> None:
    store = ActivityStore(tmp_path / "log.sqlite3")
    errors: list[BaseException] = []

    def session(n: int) -> None:
        try:
            for i in range(15):
                store.set_progress(f"order-{n}", f"step-{i}", True)
                store.progress(f"order-{n}")
                store.record(order_id=f"order-{n}", order_name=f"#{n}", ticket=None, action="check", outcome="ok",
                             message=str(i))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=session, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(len(store.progress(f"order-{n}")) == 15 for n in range(8))
    assert len(store.list(limit=1000)) == 8 * 15
