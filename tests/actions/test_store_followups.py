"""The store's follow-up, authorisation, lease and check-by-hand contract holds on SQLite and PostgreSQL alike,
and `db copy` carries all of it over with the records it names."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from actions.activity import ActivityStore, HandCheck

_ORDER = "gid://shopify/Order/5500000001030"
_T0 = datetime(2026, 4, 24, 14, 5, tzinfo=UTC)


def _save(store: ActivityStore, order: str, name: str, *, due: datetime, closed: datetime | None = None,
          record: int | None = None, status: str = "waiting") -> None:
    store.save_follow_up(order_id=order, order_name=name, ticket="ZD-17", agent="ana@example.com", status=status,
                         waiting_for="seller", detail="asked the seller", path="cancellation_pending", since=_T0,
                         due_at=due, checked_at=None, closed_at=closed, last_record_id=record)


def _authorise(store: ActivityStore, *, expires: datetime | None = None, agent: str = "Ana Ruiz") -> int:
    return store.authorise(order_id=_ORDER, order_name="#1030", ticket="ZD-17", agent=agent,
                           options={"reason": "inventory", "refund": "now"},
                           expires_at=expires or datetime.now(UTC) + timedelta(days=1))


def test_follow_ups_are_listed_soonest_due_first_and_filtered_by_due_time_and_closure(location: str) -> None:
    store = ActivityStore(location)
    _save(store, "gid://shopify/Order/3", "#1003", due=_T0 + timedelta(hours=3))
    _save(store, "gid://shopify/Order/1", "#1001", due=_T0 + timedelta(hours=1))
    _save(store, "gid://shopify/Order/2", "#1002", due=_T0 + timedelta(hours=2), closed=_T0, status="done")
    assert [f.order_name for f in store.follow_ups()] == ["#1001", "#1003"]
    assert [f.order_name for f in store.follow_ups(include_closed=True)] == ["#1001", "#1002", "#1003"]
    assert [f.order_name for f in store.follow_ups(due_by=_T0 + timedelta(hours=2))] == ["#1001"]
    row = store.follow_up("gid://shopify/Order/1")
    assert row is not None and (row.ticket, row.agent, row.waiting_for, row.since) == (
        "ZD-17", "ana@example.com", "seller", _T0)
    assert store.follow_up("gid://shopify/Order/9") is None


def test_saving_a_follow_up_again_replaces_it_but_keeps_its_last_record_unless_a_new_one_is_named(
    location: str,
) -> None:
    store = ActivityStore(location)
    _save(store, _ORDER, "#1030", due=_T0, record=7)
    _save(store, _ORDER, "#1030", due=_T0 + timedelta(hours=1), status="waiting")
    row = store.follow_up(_ORDER)
    assert row is not None and (row.due_at, row.last_record_id) == (_T0 + timedelta(hours=1), 7)
    _save(store, _ORDER, "#1030", due=_T0, record=9)
    assert store.follow_up(_ORDER).last_record_id == 9  # type: ignore[union-attr]
    assert len(store.follow_ups(include_closed=True)) == 1


def test_a_new_authorisation_withdraws_the_open_one_and_a_taken_one_cannot_be_withdrawn(location: str) -> None:
    store = ActivityStore(location)
    first = _authorise(store)
    second = _authorise(store, agent="Bo Chen")
    latest = store.authorisation(_ORDER)
    assert latest is not None and (latest.id, latest.agent, latest.options) == (
        second, "Bo Chen", {"reason": "inventory", "refund": "now"})
    assert not store.withdraw_authorisation(first, agent="Ana Ruiz")  # already withdrawn by the second
    now = datetime.now(UTC)
    assert store.take_authorisation(second, run="run-a", now=now)
    assert not store.withdraw_authorisation(second, agent="Ana Ruiz")  # a check run holds it
    store.settle_authorisation(second, record_id=None, give_back=True)  # nothing was sent: given back
    assert store.authorisation(_ORDER).active(now)  # type: ignore[union-attr]
    assert store.withdraw_authorisation(second, agent="Ana Ruiz")
    withdrawn = store.authorisation(_ORDER)
    assert withdrawn is not None and withdrawn.withdrawn_by == "Ana Ruiz" and not withdrawn.active(now)


def test_an_expired_authorisation_is_never_taken_and_a_settled_one_names_its_record(location: str) -> None:
    store = ActivityStore(location)
    now = datetime.now(UTC)
    expired = _authorise(store, expires=now - timedelta(seconds=1))
    assert not store.take_authorisation(expired, run="run-a", now=now)
    fresh = _authorise(store)
    assert store.take_authorisation(fresh, run="run-a", now=now)
    store.settle_authorisation(fresh, record_id=42, give_back=False)
    taken = store.authorisation(_ORDER)
    assert taken is not None and (taken.used_by_run, taken.record_id) == ("run-a", 42)
    assert not store.take_authorisation(fresh, run="run-b", now=now)


def test_eight_threads_with_their_own_stores_take_one_authorisation_once(location: str) -> None:
    auth = _authorise(ActivityStore(location))
    barrier = threading.Barrier(8)
    taken: list[bool] = []

    def worker(run: str) -> None:
        store = ActivityStore(location)
        barrier.wait()
        taken.append(store.take_authorisation(auth, run=run, now=datetime.now(UTC)))

    threads = [threading.Thread(target=worker, args=(f"run-{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(taken) == [False] * 7 + [True]


def _take_lease_in_process(location: str, holder: str, barrier, results) -> None:  # type: ignore[no-untyped-def]
    store = ActivityStore(location)
    barrier.wait()
    results.put(store.take_lease("followups-check", holder=holder, ttl=timedelta(minutes=5)))


def test_four_processes_taking_the_check_lease_at_once_get_one_holder(location: str) -> None:
    ActivityStore(location)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(4)
    results = ctx.Queue()
    procs = [ctx.Process(target=_take_lease_in_process, args=(location, f"run-{i}", barrier, results))
             for i in range(4)]
    for p in procs:
        p.start()
    got = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert sorted(got) == [False, False, False, True]


def test_a_lease_is_renewed_by_its_holder_released_only_by_it_and_taken_over_once_expired(location: str) -> None:
    store = ActivityStore(location)
    assert store.take_lease("check", holder="a", ttl=timedelta(minutes=5))
    assert store.take_lease("check", holder="a", ttl=timedelta(minutes=5))  # renewed
    assert not store.take_lease("check", holder="b", ttl=timedelta(minutes=5))
    store.release_lease("check", holder="b")  # not b's to release
    assert not store.take_lease("check", holder="b", ttl=timedelta(minutes=5))
    store.release_lease("check", holder="a")
    assert store.take_lease("check", holder="b", ttl=timedelta(seconds=-1))  # taken, and already expired
    assert store.take_lease("check", holder="c", ttl=timedelta(minutes=5))


def test_checks_by_hand_keep_the_latest_per_supplier_order_and_the_latest_none_placed(location: str) -> None:
    store = ActivityStore(location)
    assert store.no_supplier_order(_ORDER) is None and store.supplier_checks(_ORDER) == ()
    store.add_supplier_check(_ORDER, HandCheck(supplier="aliexpress", order_id="81", status="awaiting_shipment",
                                               at=_T0, ticket="ZD-1"))
    store.add_supplier_check(_ORDER, HandCheck(supplier="aliexpress", order_id="81", status="cancelled",
                                               at=_T0 + timedelta(minutes=5), ticket="ZD-2"))
    store.add_supplier_check(_ORDER, HandCheck(supplier="cjdropshipping", order_id="CJ2", status="shipped", at=_T0))
    store.add_supplier_check("gid://shopify/Order/9", HandCheck(supplier="aliexpress", order_id="99",
                                                                status="cancelled", at=_T0))
    assert sorted((c.order_id, c.status, c.ticket, c.at) for c in store.supplier_checks(_ORDER)) == [
        ("81", "cancelled", "ZD-2", _T0 + timedelta(minutes=5)), ("CJ2", "shipped", None, _T0)]
    first = store.add_no_supplier_order(_ORDER, "ZD-3")
    latest = store.add_no_supplier_order(_ORDER, "ZD-4")
    found = store.no_supplier_order(_ORDER)
    assert found is not None and found.at == max(first.at, latest.at)  # two within one millisecond: either
    assert (found.at, found.ticket) in {(first.at, "ZD-3"), (latest.at, "ZD-4")}


def test_db_copy_carries_follow_ups_and_authorisations_naming_their_records_new_ids(
    tmp_path: Path, pg_url: str,
) -> None:
    path = tmp_path / "log.sqlite3"
    source = ActivityStore(path)
    ids = [source.record(order_id=_ORDER, order_name="#1030", ticket="ZD-17", action="check_supplier",
                         outcome="ok", message=f"read {i}") for i in range(3)]
    with sqlite3.connect(path) as conn:  # a record removed by hand: the source's ids no longer start at 1
        conn.execute("DELETE FROM activity WHERE id = ?", (ids[0],))
    _save(source, _ORDER, "#1030", due=_T0, record=ids[2])
    auth = _authorise(source)
    source.take_authorisation(auth, run="run-a", now=datetime.now(UTC))
    source.settle_authorisation(auth, record_id=ids[1], give_back=False)
    source.take_lease("followups-check", holder="run-a", ttl=timedelta(minutes=5))

    target = ActivityStore(pg_url)
    counts = source.copy_to(target)
    assert (counts["followups"], counts["authorisations"]) == (1, 1)
    new_ids = {r.message: r.id for r in target.list()}
    follow_up, copied_auth = target.follow_up(_ORDER), target.authorisation(_ORDER)
    assert follow_up is not None and follow_up.last_record_id == new_ids["read 2"]
    assert follow_up.model_dump(exclude={"last_record_id"}) == source.follow_up(_ORDER).model_dump(  # type: ignore[union-attr]
        exclude={"last_record_id"})
    assert copied_auth is not None and copied_auth.record_id == new_ids["read 1"]
    assert copied_auth.model_dump(exclude={"id", "record_id"}) == source.authorisation(_ORDER).model_dump(  # type: ignore[union-attr]
        exclude={"id", "record_id"})
    assert target.take_lease("followups-check", holder="run-b", ttl=timedelta(minutes=5))  # leases stay behind
