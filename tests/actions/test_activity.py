"""The activity store remembers every action once, survives threads and processes, and never keeps a secret."""

from __future__ import annotations

import csv
import io
import multiprocessing
import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from actions.activity import ActivityStore
from actions.errors import StoreError
from kb.state import SupplierRef

_ORDER = "gid://shopify/Order/5500000001001"


def _claim(store: ActivityStore, key: str, ticket: str | None = "ZD-42") -> int | None:
    return store.claim(
        key, order_id=_ORDER, order_name="#1001", ticket=ticket, action="cancel_order", options={"refund": "now"}
    )


def _claim_in_process(path: str, key: str, barrier: multiprocessing.synchronize.Barrier, results) -> None:  # type: ignore[name-defined]
    store = ActivityStore(Path(path))
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


def test_a_claimed_action_cannot_be_claimed_again(tmp_path: Path) -> None:
    store = ActivityStore(tmp_path / "log.sqlite3")
    first = _claim(store, "cancel_order:gid://shopify/Order/1")
    assert first is not None
    assert _claim(store, "cancel_order:gid://shopify/Order/1") is None
    assert _claim(store, "cancel_order:gid://shopify/Order/2") is not None


def test_two_threads_claiming_the_same_order_get_exactly_one_claim(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
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


def test_two_processes_claiming_the_same_order_get_exactly_one_claim(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    ActivityStore(path)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_claim_in_process, args=(str(path), "cancel_order:gid://shopify/Order/9", barrier, results))
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
        ActivityStore(Path(path))
        results.put("ok")
    except StoreError as exc:
        results.put(str(exc))


def test_several_processes_opening_a_brand_new_log_at_once_all_succeed(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    for round_ in range(3):
        path = tmp_path / f"new-{round_}.sqlite3"
        barrier = ctx.Barrier(4)
        results = ctx.Queue()
        procs = [ctx.Process(target=_open_new_log_in_process, args=(str(path), barrier, results)) for _ in range(4)]
        for p in procs:
            p.start()
        got = [results.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(timeout=60)
        assert got == ["ok"] * 4


def test_a_released_claim_lets_the_merchant_retry(tmp_path: Path) -> None:
    store = ActivityStore(tmp_path / "log.sqlite3")
    first = _claim(store, "cancel_supplier:cjdropshipping:CJ1")
    assert first is not None
    store.finish(first, outcome="error", message="CJ could not be reached", release=True)
    second = _claim(store, "cancel_supplier:cjdropshipping:CJ1")
    assert second is not None and second != first
    assert store.get(first).outcome == "error"  # type: ignore[union-attr]
    assert store.get(first).idempotency_key is None  # type: ignore[union-attr]


def test_a_finished_claim_keeps_its_key_so_the_action_never_runs_twice(tmp_path: Path) -> None:
    store = ActivityStore(tmp_path / "log.sqlite3")
    first = _claim(store, "cancel_order:gid://shopify/Order/1")
    assert first is not None
    store.finish(first, outcome="ok", message="Order cancelled", request_id="req-1")
    assert _claim(store, "cancel_order:gid://shopify/Order/1") is None
    rec = store.get(first)
    assert rec is not None and rec.outcome == "ok" and rec.request_id == "req-1"


def test_a_claim_abandoned_by_a_dead_session_is_taken_over_after_a_while(tmp_path: Path) -> None:
    store = ActivityStore(tmp_path / "log.sqlite3", stale_after=timedelta(0))
    first = _claim(store, "cancel_order:gid://shopify/Order/1")
    second = _claim(store, "cancel_order:gid://shopify/Order/1")
    assert first is not None and second is not None and second != first
    assert store.get(first).outcome == "unknown"  # type: ignore[union-attr]


def test_the_log_lists_newest_first_and_filters_by_order_and_ticket(tmp_path: Path) -> None:
    store = ActivityStore(tmp_path / "log.sqlite3")
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


def test_the_log_exports_to_csv_without_spreadsheet_formulas(tmp_path: Path) -> None:
    store = ActivityStore(tmp_path / "log.sqlite3")
    store.record(order_id=_ORDER, order_name="#1001", ticket="ZD-1", action="cancel_order",
                 options={"reason": "CUSTOMER"}, outcome="ok", message="=HYPERLINK(\"x\")", request_id="r-9")
    rows = list(csv.DictReader(io.StringIO(store.to_csv(store.list()))))
    assert len(rows) == 1
    assert rows[0]["order_name"] == "#1001" and rows[0]["ticket"] == "ZD-1" and rows[0]["request_id"] == "r-9"
    assert rows[0]["message"].startswith("'=")


def test_ticked_manual_steps_are_remembered_per_order(tmp_path: Path) -> None:
    store = ActivityStore(tmp_path / "log.sqlite3")
    store.set_progress(_ORDER, "look-up-order", True)
    store.set_progress(_ORDER, "tell-customer", True)
    store.set_progress(_ORDER, "tell-customer", False)
    store.set_progress("gid://shopify/Order/2", "tell-customer", True)
    assert ActivityStore(tmp_path / "log.sqlite3").progress(_ORDER) == frozenset({"look-up-order"})


def test_an_entered_supplier_order_id_is_remembered_once_for_that_order(tmp_path: Path) -> None:
    store = ActivityStore(tmp_path / "log.sqlite3")
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


def test_a_finished_key_is_taken_over_only_when_the_caller_asks(tmp_path: Path) -> None:
    store = ActivityStore(tmp_path / "log.sqlite3")
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


def test_a_recent_unknown_result_is_never_taken_over_because_the_write_may_still_land(tmp_path: Path) -> None:
    store = ActivityStore(tmp_path / "log.sqlite3")
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
