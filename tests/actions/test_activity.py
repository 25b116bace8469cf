"""The activity store remembers every action once, survives threads and processes, and never keeps a secret."""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import socket
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from actions.activity import ActivityStore, HandCheck
from actions.errors import StoreError
from kb.state import SupplierRef

_ORDER = "gid://shopify/Order/5500000001001"


def _claim(store: ActivityStore, key: str, ticket: str | None = "ZD-42") -> int | None:
    return store.claim(
        key, order_id=_ORDER, order_name="#1001", ticket=ticket, action="cancel_order", options={"refund": "now"}
    )


def _claim_in_process(path: str, key: str, barrier: multiprocessing.synchronize.Barrier, results) -> None:  # type: ignore[name-defined]
    store = ActivityStore(path)
    barrier.wait()
    results.put(_claim(store, key))


def test_the_store_uses_write_ahead_logging_and_a_versioned_schema(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    ActivityStore(path)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] >= 1
    finally:
        conn.close()


def test_a_claimed_action_cannot_be_claimed_again(location: str) -> None:
    store = ActivityStore(location)
    first = _claim(store, "cancel_order:gid://shopify/Order/1")
    assert first is not None
    assert _claim(store, "cancel_order:gid://shopify/Order/1") is None
    assert _claim(store, "cancel_order:gid://shopify/Order/2") is not None


def test_two_threads_claiming_the_same_order_get_exactly_one_claim(location: str) -> None:
    path = location
    ActivityStore(path)
    barrier = threading.Barrier(8)
    results: list[int | None] = []
    lock = threading.Lock()

    def worker() -> None:
        store = ActivityStore(path)
        barrier.wait()
        got = _claim(store, "cancel_order:gid://shopify/Order/7")
        with lock:
            results.append(got)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8
    assert len([r for r in results if r is not None]) == 1


def test_two_processes_claiming_the_same_order_get_exactly_one_claim(location: str) -> None:
    path = location
    ActivityStore(path)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_claim_in_process, args=(path, "cancel_order:gid://shopify/Order/9", barrier, results))
        for _ in range(2)
    ]
    for p in procs:
        p.start()
    got = [results.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert sorted(r is None for r in got) == [False, True]


def _open_new_log_in_process(path: str, barrier: multiprocessing.synchronize.Barrier, results) -> None:  # type: ignore[name-defined]
    barrier.wait()
    try:
        ActivityStore(path)
        results.put("ok")
    except StoreError as exc:
        results.put(str(exc))


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_several_processes_opening_a_brand_new_log_at_once_all_succeed(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    ctx = multiprocessing.get_context("spawn")
    for round_ in range(3):
        if engine == "sqlite":
            path = str(tmp_path / f"new-{round_}.sqlite3")
        else:
            path = request.getfixturevalue("pg_server").create_database(f"new_{os.getpid()}_{round_}")
        barrier = ctx.Barrier(4)
        results = ctx.Queue()
        procs = [ctx.Process(target=_open_new_log_in_process, args=(path, barrier, results)) for _ in range(4)]
        for p in procs:
            p.start()
        got = [results.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(timeout=60)
        assert got == ["ok"] * 4


def test_a_released_claim_lets_the_merchant_retry(location: str) -> None:
    store = ActivityStore(location)
    first = _claim(store, "cancel_supplier:cjdropshipping:CJ1")
    assert first is not None
    store.finish(first, outcome="error", message="CJ could not be reached", release=True)
    second = _claim(store, "cancel_supplier:cjdropshipping:CJ1")
    assert second is not None and second != first
    assert store.get(first).outcome == "error"  # type: ignore[union-attr]
    assert store.get(first).idempotency_key is None  # type: ignore[union-attr]


def test_a_finished_claim_keeps_its_key_so_the_action_never_runs_twice(location: str) -> None:
    store = ActivityStore(location)
    first = _claim(store, "cancel_order:gid://shopify/Order/1")
    assert first is not None
    store.finish(first, outcome="ok", message="Order cancelled", request_id="req-1")
    assert _claim(store, "cancel_order:gid://shopify/Order/1") is None
    rec = store.get(first)
    assert rec is not None and rec.outcome == "ok" and rec.request_id == "req-1"


def test_a_claim_abandoned_by_a_dead_session_is_taken_over_after_a_while(location: str) -> None:
    store = ActivityStore(location, stale_after=timedelta(0))
    first = _claim(store, "cancel_order:gid://shopify/Order/1")
    second = _claim(store, "cancel_order:gid://shopify/Order/1")
    assert first is not None and second is not None and second != first
    assert store.get(first).outcome == "unknown"  # type: ignore[union-attr]


def test_the_log_lists_newest_first_and_filters_by_order_and_ticket(location: str) -> None:
    store = ActivityStore(location)
    a = store.record(order_id=_ORDER, order_name="#1001", ticket="ZD-1", action="check_supplier",
                     options={}, outcome="ok", message="checked")
    b = store.record(order_id="gid://shopify/Order/2", order_name="#1002", ticket="ZD-2", action="cancel_order",
                     options={}, outcome="refused", message="not allowed")
    c = store.record(order_id=_ORDER, order_name="#1001", ticket="ZD-2", action="cancel_order",
                     options={"refund": "now"}, outcome="ok", message="cancelled")
    assert [r.id for r in store.list()] == [c, b, a]
    assert [r.id for r in store.list(order="#1001")] == [c, a]
    assert [r.id for r in store.list(order="1001")] == [c, a]
    assert [r.id for r in store.list(order=_ORDER)] == [c, a]
    assert [r.id for r in store.list(ticket="ZD-2")] == [c, b]
    assert [r.id for r in store.list(order="#1001", ticket="ZD-2")] == [c]
    assert [r.id for r in store.list(limit=1)] == [c]
    assert store.list(order="#1001")[0].options == {"refund": "now"}


def test_the_log_exports_to_csv_without_spreadsheet_formulas(location: str) -> None:
    store = ActivityStore(location)
    store.record(order_id=_ORDER, order_name="#1001", ticket="ZD-1", action="cancel_order",
                 options={"reason": "CUSTOMER"}, outcome="ok", message="=HYPERLINK(\"x\")", request_id="r-9")
    rows = list(csv.DictReader(io.StringIO(store.to_csv(store.list()))))
    assert len(rows) == 1
    assert rows[0]["order_name"] == "#1001" and rows[0]["ticket"] == "ZD-1" and rows[0]["request_id"] == "r-9"
    assert rows[0]["message"].startswith("'=")


def test_ticked_manual_steps_are_remembered_per_order(location: str) -> None:
    store = ActivityStore(location)
    store.set_progress(_ORDER, "look-up-order", True)
    store.set_progress(_ORDER, "tell-customer", True)
    store.set_progress(_ORDER, "tell-customer", False)
    store.set_progress("gid://shopify/Order/2", "tell-customer", True)
    assert ActivityStore(location).progress(_ORDER) == frozenset({"look-up-order"})


def test_an_entered_supplier_order_id_is_remembered_once_for_that_order(location: str) -> None:
    store = ActivityStore(location)
    ref = SupplierRef(supplier="aliexpress", order_id="8190000000001", source="entered")
    store.add_supplier_ref(_ORDER, ref)
    store.add_supplier_ref(_ORDER, ref)
    store.add_supplier_ref(_ORDER, SupplierRef(supplier="cjdropshipping", order_id="CJ42"))
    refs = store.supplier_refs(_ORDER)
    assert [(r.supplier, r.order_id, r.source) for r in refs] == [
        ("aliexpress", "8190000000001", "entered"), ("cjdropshipping", "CJ42", "entered"),
    ]
    assert store.supplier_refs("gid://shopify/Order/2") == ()


def test_a_corrupt_file_gives_a_clear_message_instead_of_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    path.write_bytes(b"this is not a database, just some text " * 200)
    with pytest.raises(StoreError) as err:
        ActivityStore(path)
    assert "corrupt" in str(err.value) and str(path) in str(err.value)


def test_a_file_that_is_damaged_after_opening_gives_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    store = ActivityStore(path)
    for wal in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        wal.unlink(missing_ok=True)
    path.write_bytes(b"garbage" * 1000)
    with pytest.raises(StoreError, match="corrupt"):
        store.list()


def test_a_folder_that_cannot_be_created_gives_a_clear_message(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot be created"):
        ActivityStore(blocker / "sub" / "log.sqlite3")


def test_a_locked_database_gives_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import actions.db as db

    path = tmp_path / "log.sqlite3"
    store = ActivityStore(path)
    monkeypatch.setattr(db, "_BUSY_TIMEOUT_S", 0.05)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked"):
            store.record(order_id=_ORDER, order_name="#1001", ticket=None, action="check_supplier",
                         options={}, outcome="ok", message="checked")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_no_secret_ever_reaches_the_record(tmp_path: Path) -> None:
    secret = "super-secret-cj-key-123"
    store = ActivityStore(tmp_path / "log.sqlite3", secrets=[secret])
    rid = store.record(
        order_id=_ORDER, order_name="#1001", ticket="ZD-1", action="cancel_order",
        options={"staff_note": f"key {secret}", "token": "shpat_abcdef123456"},
        outcome="error", message=f"failed with {secret} and shpat_abcdef123456", request_id=secret,
    )
    raw = (tmp_path / "log.sqlite3").read_bytes()
    wal = tmp_path / "log.sqlite3-wal"
    if wal.exists():
        raw += wal.read_bytes()
    assert secret.encode() not in raw and b"shpat_abcdef123456" not in raw
    rec = store.get(rid)
    assert rec is not None and "[redacted]" in rec.message and "[redacted]" in rec.options["staff_note"]


def test_a_finished_key_is_taken_over_only_when_the_caller_asks(location: str) -> None:
    store = ActivityStore(location)
    first = _claim(store, "cancel_order:gid://shopify/Order/1")
    assert first is not None
    assert _claim(store, "cancel_order:gid://shopify/Order/1") is None
    in_flight = store.claim("cancel_order:gid://shopify/Order/1", order_id=_ORDER, order_name="#1001", ticket=None,
                            action="cancel_order", replace_finished=True)
    assert in_flight is None  # still started: never taken over
    store.finish(first, outcome="ok", message="cancelled")
    assert store.holder("cancel_order:gid://shopify/Order/1").id == first  # type: ignore[union-attr]
    second = store.claim("cancel_order:gid://shopify/Order/1", order_id=_ORDER, order_name="#1001", ticket=None,
                         action="cancel_order", replace_finished=True)
    assert second is not None and second != first
    assert store.holder("cancel_order:gid://shopify/Order/1").id == second  # type: ignore[union-attr]


def test_a_recent_unknown_result_is_never_taken_over_because_the_write_may_still_land(location: str) -> None:
    store = ActivityStore(location)
    first = _claim(store, "cancel_order:gid://shopify/Order/1")
    assert first is not None
    store.finish(first, outcome="unknown", message="Shopify did not answer in time")
    again = store.claim("cancel_order:gid://shopify/Order/1", order_id=_ORDER, order_name="#1001", ticket=None,
                        action="cancel_order", replace_finished=True)
    assert again is None


def test_a_version_1_log_is_migrated_keeping_its_records_and_the_order_supplier_ids_were_entered(tmp_path: Path) -> None:
    import actions.activity as activity

    path = tmp_path / "log.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in activity._V1.split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO activity (at, order_id, order_name, action, outcome) VALUES"
        " ('2026-01-01T00:00:00.000+00:00', ?, '#1001', 'check_supplier', 'ok')", (_ORDER,)
    )
    same_ms = "2026-01-01T00:00:00.000+00:00"
    for supplier_order_id in ("300", "100", "200"):  # one millisecond: only the row order tells them apart
        conn.execute("INSERT INTO supplier_refs VALUES (?, 'cjdropshipping', ?, ?)", (_ORDER, supplier_order_id, same_ms))
    conn.close()

    store = ActivityStore(path)
    assert [r.order_id for r in store.supplier_refs(_ORDER)] == ["300", "100", "200"]
    assert [r.action for r in store.list(order="#1001")] == ["check_supplier"]
    store.add_supplier_ref(_ORDER, SupplierRef(supplier="cjdropshipping", order_id="100", source="entered"))
    store.add_supplier_ref(_ORDER, SupplierRef(supplier="aliexpress", order_id="400", source="entered"))
    assert [r.order_id for r in store.supplier_refs(_ORDER)] == ["300", "100", "200", "400"]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == activity.SCHEMA_VERSION
    conn.close()


def test_a_log_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    ActivityStore(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(StoreError, match="newer Cancel Assist"):
        ActivityStore(path)


# --- PostgreSQL: what differs from a file ------------------------------------------------------


def test_postgresql_gets_the_versioned_schema_once_and_refuses_a_newer_one(pg_url: str) -> None:
    import psycopg

    import actions.activity as activity

    ActivityStore(pg_url)
    ActivityStore(pg_url)  # a second server starting: nothing to migrate
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert conn.execute("SELECT version FROM cancel_assist_schema").fetchall() == [(activity.SCHEMA_VERSION,)]
        conn.execute("UPDATE cancel_assist_schema SET version = 999")
    with pytest.raises(StoreError, match="newer Cancel Assist"):
        ActivityStore(pg_url)


def test_no_secret_ever_reaches_the_postgresql_record(pg_url: str) -> None:
    import psycopg

    secret = "super-secret-cj-key-123"
    store = ActivityStore(pg_url, secrets=[secret])
    rid = store.record(
        order_id=_ORDER, order_name="#1001", ticket="ZD-1", action="cancel_order",
        options={"staff_note": f"key {secret}", "token": "shpat_abcdef123456"},
        outcome="error", message=f"failed with {secret} and shpat_abcdef123456", request_id=secret,
    )
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT * FROM activity").fetchall()
    raw = repr(rows)
    assert secret not in raw and "shpat_abcdef123456" not in raw
    rec = store.get(rid)
    assert rec is not None and "[redacted]" in rec.message and "[redacted]" in rec.options["staff_note"]


def test_an_unreachable_postgresql_is_a_clear_store_error_without_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    import actions.db_postgres as db_postgres

    monkeypatch.setattr(db_postgres, "_POOL_TIMEOUT_S", 1.0)
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(StoreError) as err:
        ActivityStore(f"postgresql://agent:hunter2-secret@127.0.0.1:{port}/cancel", secrets=())
    text = str(err.value)
    assert "cannot be reached" in text and f"127.0.0.1:{port}/cancel" in text and "hunter2" not in text


def test_portable_sql_is_translated_for_postgresql_outside_quotes_only() -> None:
    from actions.db_postgres import translate

    assert translate("SELECT a FROM t WHERE b = ? AND c LIKE 'x?%'") == "SELECT a FROM t WHERE b = %s AND c LIKE 'x?%%'"
    assert translate("INSERT OR IGNORE INTO t (a) VALUES (?)") == "INSERT INTO t (a) VALUES (%s) ON CONFLICT DO NOTHING"
    assert "GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" in translate("id INTEGER PRIMARY KEY AUTOINCREMENT,")


def test_every_record_names_its_agent_in_the_store_and_the_csv(location: str) -> None:
    store = ActivityStore(location)
    rid = store.claim("cancel_order:gid://shopify/Order/1", order_id=_ORDER, order_name="#1001", ticket="ZD-1",
                      action="cancel_order", agent="ana@example.com")
    assert rid is not None
    store.finish(rid, outcome="ok", message="cancelled")
    other = store.record(order_id=_ORDER, order_name="#1001", ticket="ZD-1", action="check_supplier", options={},
                         outcome="ok", message="checked", agent="=cmd|' /C calc'!A0")
    anonymous = store.record(order_id=_ORDER, order_name="#1001", ticket=None, action="check_supplier", options={},
                             outcome="ok", message="checked")
    assert [(r.id, r.agent) for r in store.list()] == [
        (anonymous, None), (other, "=cmd|' /C calc'!A0"), (rid, "ana@example.com"),
    ]
    rows = list(csv.DictReader(io.StringIO(store.to_csv(store.list()))))
    assert [r["agent"] for r in rows] == ["", "'=cmd|' /C calc'!A0", "ana@example.com"]


def test_a_whole_record_is_copied_into_an_empty_postgresql_once(tmp_path: Path, pg_url: str) -> None:
    source = ActivityStore(tmp_path / "log.sqlite3")
    held = _claim(source, "cancel_order:gid://shopify/Order/1")
    done = source.record(order_id=_ORDER, order_name="#1001", ticket="ZD-1", action="check_supplier", options={"a": 1},
                         outcome="ok", message="checked", agent="ana@example.com")
    source.set_progress(_ORDER, "tell-customer", True)
    source.add_supplier_ref(_ORDER, SupplierRef(supplier="cjdropshipping", order_id="CJ2", source="entered"))
    source.add_supplier_ref(_ORDER, SupplierRef(supplier="aliexpress", order_id="81", source="entered"))
    source.add_no_supplier_order("gid://shopify/Order/2", "ZD-2")
    source.add_supplier_check(_ORDER, HandCheck(supplier="aliexpress", order_id="81", status="cancelled",
                                                at=datetime(2026, 4, 24, 14, 5, tzinfo=UTC), ticket="ZD-1"))

    target = ActivityStore(pg_url)
    assert source.copy_to(target) == {"activity": 2, "progress": 1, "supplier_refs": 2, "no_supplier_orders": 1,
                                      "supplier_checks": 1, "followups": 0, "authorisations": 0}
    assert target.no_supplier_order("gid://shopify/Order/2").ticket == "ZD-2"
    assert [(c.order_id, c.status, c.ticket) for c in target.supplier_checks(_ORDER)] == [("81", "cancelled", "ZD-1")]
    copied = target.list()
    assert [(r.action, r.outcome, r.agent, r.options) for r in copied] == [
        (r.action, r.outcome, r.agent, r.options) for r in source.list()
    ]
    assert held is not None and done is not None
    assert _claim(target, "cancel_order:gid://shopify/Order/1") is None  # the claim held there is held here
    assert target.progress(_ORDER) == frozenset({"tell-customer"})
    assert [r.order_id for r in target.supplier_refs(_ORDER)] == ["CJ2", "81"]
    with pytest.raises(StoreError, match="already holds activity records"):
        source.copy_to(target)
    assert len(target.list()) == 2


def test_every_store_on_one_database_in_a_process_shares_one_pool(pg_url: str) -> None:
    import psycopg

    stores = [ActivityStore(pg_url, namespace="cancel_assist_sandbox") for _ in range(12)]  # 12 sandbox sessions
    for i, store in enumerate(stores):
        store.record(order_id=_ORDER, order_name="#1001", ticket=None, action="check_supplier", options={},
                     outcome="ok", message=str(i))
    assert len({id(s.db) for s in stores}) == 1
    with psycopg.connect(pg_url, autocommit=True) as conn:
        mine = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'cancel-assist' AND datname = current_database()"
        ).fetchone()[0]
    assert 1 <= mine <= 8  # the pool's, not one per session
    stores[0].close()
    assert ActivityStore(pg_url, namespace="cancel_assist_sandbox").list(limit=1)  # a closed pool is not handed out


def test_counting_paging_walking_and_exporting_match_on_both_engines(location: str) -> None:
    store = ActivityStore(location)
    ids = [
        store.record(order_id=f"gid://shopify/Order/{n % 2}", order_name=f"#{1000 + n % 2}", ticket=f"ZD-{n % 3}",
                     action="check_supplier", options={"n": n}, outcome="ok", message=f"record {n}",
                     agent=f"agent{n % 2}@example.com")
        for n in range(23)
    ]
    assert store.count() == 23 and store.count(order="#1001") == 11 and store.count(ticket="ZD-0") == 8
    newest_first = list(reversed(ids))
    assert [r.id for r in store.list(limit=5, offset=5)] == newest_first[5:10]
    assert [r.id for r in store.records(batch=4)] == newest_first
    assert [r.id for r in store.records(order="#1000", batch=3)] == [i for i in newest_first if (ids.index(i) % 2) == 0]
    rows = list(csv.DictReader(io.StringIO(store.export_csv(ticket="ZD-1"))))
    assert len(rows) == 8 and {r["agent"] for r in rows} == {"agent0@example.com", "agent1@example.com"}


_V1_SCHEMA = """
CREATE TABLE activity (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, order_id TEXT NOT NULL,
    order_name TEXT NOT NULL, ticket TEXT, action TEXT NOT NULL, options TEXT NOT NULL DEFAULT '{}',
    outcome TEXT NOT NULL, message TEXT NOT NULL DEFAULT '', request_id TEXT, idempotency_key TEXT UNIQUE);
CREATE TABLE progress (order_id TEXT NOT NULL, step_key TEXT NOT NULL, done INTEGER NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (order_id, step_key));
CREATE TABLE supplier_refs (order_id TEXT NOT NULL, supplier TEXT NOT NULL, supplier_order_id TEXT NOT NULL,
    at TEXT NOT NULL, PRIMARY KEY (order_id, supplier, supplier_order_id));
"""


def test_a_log_from_the_first_schema_version_opens_keeps_its_records_and_claims_name_their_process(
    tmp_path: Path,
) -> None:
    path = tmp_path / "log.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(_V1_SCHEMA)
        conn.execute("INSERT INTO activity (at, order_id, order_name, action, outcome, message) VALUES "
                     "('2026-04-01T10:00:00.000+00:00', 'o', '#1', 'check_supplier', 'ok', 'old')")
        conn.execute("PRAGMA user_version = 1")
    store = ActivityStore(path)
    assert [(r.message, r.owner) for r in store.list()] == [("old", None)]
    rid = _claim(store, "cancel_order:gid://shopify/Order/9")
    claimed = store.get(rid or 0)
    assert claimed is not None and claimed.owner is not None and claimed.owner.endswith(f":{os.getpid()}")


def test_a_claim_whose_process_ended_is_abandoned_at_once_and_a_live_one_is_not(tmp_path: Path) -> None:
    store = ActivityStore(tmp_path / "log.sqlite3")
    ours = store.get(_claim(store, "key-ours") or 0)
    assert ours is not None and not store.abandoned(ours)
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # ended and reaped: its pid names no process now
    dead = ours.model_copy(update={"owner": f"{socket.gethostname()}:{child.pid}"})
    assert store.abandoned(dead)
    elsewhere = ours.model_copy(update={"owner": f"another-host:{child.pid}"})
    assert not store.abandoned(elsewhere), "a process on another machine cannot be checked: only time tells"


def test_settling_a_record_applies_only_while_it_still_has_the_outcome_that_was_read(location: str) -> None:
    store = ActivityStore(location)
    rid = _claim(store, "cancel_order:gid://shopify/Order/7") or 0
    assert store.open_claims(_ORDER)[0].id == rid
    store.finish(rid, outcome="error", message="its own result came in first")
    assert not store.settle(rid, was="started", outcome="ok", message="late")
    rec = store.get(rid)
    assert rec is not None and (rec.outcome, rec.message) == ("error", "its own result came in first")
    assert store.open_claims(_ORDER) == ()


def test_an_unknown_engine_error_is_redacted_before_it_is_cut_on_both_engines() -> None:
    from actions.db import engine_error

    secret = "s3cret-password-of-the-store"
    failure = engine_error("the activity database at db:5432/x", RuntimeError("x" * 190 + secret), [secret])
    assert str(failure).startswith("the activity database at db:5432/x could not be used (")
    assert "s3" not in str(failure) and str(failure).endswith("x" * 190 + "[redacted])")  # masked, then cut at 200
    assert engine_error("the log", RuntimeError("boom"), (), known="the log is locked").message == "the log is locked"


def test_the_log_filters_by_outcome_and_by_time_on_both_engines(location: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import actions.activity as activity

    store = ActivityStore(location)
    day = datetime(2026, 11, 29, 23, 59, 59, 999000, tzinfo=UTC)
    made = {}
    for name, at, outcome in (("late", day, "ok"), ("midnight", day + timedelta(milliseconds=1), "error"),
                              ("next", datetime(2026, 11, 30, 5, tzinfo=UTC), "ok")):
        monkeypatch.setattr(activity, "_now", lambda at=at: activity._iso(at))
        made[name] = store.record(order_id=_ORDER, order_name="#1001", ticket="ZD-1", action="cancel_order",
                                  options={}, outcome=outcome, message=name)
    midnight = datetime(2026, 11, 30, tzinfo=UTC)

    def ids(**filters: object) -> list[int]:
        return [r.id for r in store.list(**filters)]

    assert ids(outcome="error") == [made["midnight"]] and store.count(outcome="ok") == 2
    assert ids(since=midnight) == [made["next"], made["midnight"]]  # at or after
    assert ids(until=midnight) == [made["late"]]  # strictly before
    assert ids(since=midnight.replace(tzinfo=None), until=midnight + timedelta(hours=5)) == [made["midnight"]]
    assert ids(since=midnight, outcome="ok", order="#1001", ticket="ZD-1") == [made["next"]]
    assert [r.id for r in store.records(outcome="ok", batch=1)] == [made["next"], made["late"]]
    rows = list(csv.DictReader(io.StringIO(store.export_csv(until=midnight))))
    assert [r["message"] for r in rows] == ["late"]
