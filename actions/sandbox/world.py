"""The sandbox's state and its state transitions, as the real systems make them.

One `World` per `Sandbox` (never module-level state: Streamlit shares modules between users).
Everything is plain JSON-serializable data behind one re-entrant lock, so concurrent supplier
reads are safe and the whole world can be saved atomically after each write.
A persisted world is shared by every process that opens the same file (two CLI commands at the
same moment, several app servers): each request runs in a `transaction()` that takes an
inter-process lock, reloads the file if another process changed it, and saves once at the end,
so no process ever acts on a stale copy.
Delayed transitions (a cancel job finishing, a fulfillment service or a seller answering) are
applied lazily by `tick()` on the next request, reading the injected clock.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from actions.sandbox.seed import build_seed

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: threads are still serialized, processes are not
    fcntl = None  # type: ignore[assignment]  # no fcntl off POSIX: the module is None there, and checked before use

__all__ = ["World", "WorldError", "cj_time", "display_fulfillment_status", "supported_actions"]

Clock = Callable[[], float]

_ACTIVE_FO = ("OPEN", "IN_PROGRESS", "ON_HOLD", "SCHEDULED", "INCOMPLETE")
_AE_UNPAID = ("PLACE_ORDER_SUCCESS", "PAYMENT_PROCESSING")
_AE_AWAITING = ("WAIT_SELLER_SEND_GOODS", "WAIT_SELLER_EXAMINE_MONEY", "RISK_CONTROL", "RISK_CONTROL_HOLD",
                "WAIT_GROUP", "WAIT_COMPLETE_ADDRESS")
_CJ_DELETABLE = ("CREATED", "IN_CART", "UNPAID")
_CJ_TZ = timezone(timedelta(hours=8))
_BUCKET_MAX = 2000.0
_RESTORE_RATE = 100.0
_WRITE_LOG_MAX = 1000
# Temp files of a save that was killed before its rename. Ours are `.sandbox-<file name>.<random>.tmp`,
# only ever present while their writer holds this file's lock; older versions wrote `.sandbox-<random>.json`
# for any file in the folder, so those are removed only once no live save can still own them.
_LEGACY_TEMP_AGE_S = 60.0

_Stamp = tuple[int, int, int, int]
_STALE: Final[_Stamp] = (-1, -1, -1, -1)  # never equal to a real file's stamp: reload next time


class WorldError(ValueError):
    """Raised when a simulated merchant or supplier action is not possible in the current state."""


def supported_actions(fo: dict[str, Any]) -> list[str]:
    """What Shopify offers on a fulfillment order now, from its status and request status."""
    status, request = fo["status"], fo["request_status"]
    service = fo["location"]["managed_by"] == "service"
    if status not in _ACTIVE_FO:
        return []
    if status == "ON_HOLD":
        return ["RELEASE_HOLD", "MOVE"]
    if status == "SCHEDULED":
        return ["MARK_AS_OPEN"]
    if status == "OPEN":
        if service:
            return ["REQUEST_FULFILLMENT", "HOLD", "MOVE", "SPLIT"]
        return ["CREATE_FULFILLMENT", "REPORT_PROGRESS", "MARK_AS_IN_PROGRESS", "HOLD", "MOVE", "SPLIT"]
    if status == "IN_PROGRESS":
        if not service:
            return ["CREATE_FULFILLMENT", "REPORT_PROGRESS", "MARK_AS_OPEN", "HOLD"]
        if request == "SUBMITTED":
            return ["CANCEL_FULFILLMENT_ORDER"]
        if request in ("ACCEPTED", "CANCELLATION_REJECTED"):
            return ["REQUEST_CANCELLATION"]
        if request == "CANCELLATION_REQUESTED":  # Shopify lets the merchant stop waiting (the service is not told)
            return ["CANCEL_FULFILLMENT_ORDER"]
    return []


def display_fulfillment_status(order: dict[str, Any]) -> str:
    """`Order.displayFulfillmentStatus`, derived from fulfillments and fulfillment orders."""
    shipped = any(f["status"] == "SUCCESS" for f in order["fulfillments"])
    active = [fo for fo in order["fulfillment_orders"] if fo["status"] in _ACTIVE_FO]
    if shipped:
        return "PARTIALLY_FULFILLED" if active else "FULFILLED"
    if not active:
        return "UNFULFILLED"
    statuses = {fo["status"] for fo in active}
    if statuses == {"ON_HOLD"}:
        return "ON_HOLD"
    if statuses == {"SCHEDULED"}:
        return "SCHEDULED"
    if any(fo["request_status"] == "REJECTED" for fo in active):
        return "REQUEST_DECLINED"
    if statuses == {"IN_PROGRESS"}:
        return "IN_PROGRESS"
    return "UNFULFILLED"


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cj_time(ts: float) -> str:
    """CJ's date format for token expiries: ISO 8601 at UTC+8."""
    return datetime.fromtimestamp(ts, tz=_CJ_TZ).isoformat(timespec="seconds")


class World:
    """The demo store and its suppliers, with the transitions the real systems make."""

    def __init__(
        self,
        *,
        clock: Clock,
        persist_path: Path | None = None,
        service_reply_delay: float = 3.0,
        seller_reply_delay: float = 3.0,
        job_delay: float = 1.0,
        job_polls_before_done: int = 1,
    ) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.persist_path = Path(persist_path) if persist_path is not None else None
        self.service_reply_delay = service_reply_delay
        self.seller_reply_delay = seller_reply_delay
        self.job_delay = job_delay
        self.job_polls_before_done = job_polls_before_done
        self._depth = 0  # transactions entered by the thread holding `lock`
        self._dirty = False
        self._stamp: _Stamp | None = None  # the saved file this state was read from or written to
        self._swept = False  # temp files left by a killed save removed (once per instance, and at each save)
        loaded, self._stamp = self._read_disk()
        self.state: dict[str, Any] = loaded or build_seed()
        self._bucket = _BUCKET_MAX
        self._bucket_at = clock()

    # --- persistence -------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the world for one request (or control): see every other process's writes, save ours once.

        In memory this is the thread lock alone. Persisted, the outermost transaction also takes an
        exclusive `flock` on `<file>.lock`, reloads the file when its stamp (inode, size, mtime,
        ctime) differs from the one last read or written, and, if anything changed, saves it
        atomically before letting the next process in. A failure part-way leaves memory suspect,
        so the next transaction reloads from disk.
        """
        with self.lock:
            if self.persist_path is None:
                yield
                return
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            handle = self._lock_file()
            self._depth = 1
            try:
                if not self._swept:
                    self._sweep_temp_files()
                self._refresh()
                try:
                    yield
                except BaseException:
                    self._stamp = _STALE
                    raise
                if self._dirty:
                    self._write()
            finally:
                self._depth, self._dirty = 0, False
                _unlock(handle)

    def save(self) -> None:
        """Record that the world changed: saved when the transaction ends (at once outside one)."""
        if self.persist_path is None:
            return
        with self.lock:
            if self._depth:
                self._dirty = True
                return
            handle = self._lock_file()
            try:
                self._write()
            finally:
                _unlock(handle)

    def record_write(self, system: str, operation: str) -> None:
        """Keep a write request in the saved world, so every process's writes can be counted."""
        with self.transaction():
            log = self.state.setdefault("write_log", [])
            log.append({"system": system, "operation": operation, "at": self.clock()})
            del log[:-_WRITE_LOG_MAX]
            self.save()

    def _read_disk(self) -> tuple[dict[str, Any] | None, _Stamp | None]:
        """The saved world (None when missing, corrupt or of another version) and the file's stamp."""
        if self.persist_path is None:
            return None, None
        try:
            with open(self.persist_path, "rb") as handle:
                stamp = _stamp(os.fstat(handle.fileno()))
                raw = handle.read()
        except OSError:
            return None, None
        try:
            data = json.loads(raw)
        except ValueError:
            return None, stamp  # a corrupt save is replaced by the seed, never a crash
        return (data if isinstance(data, dict) and data.get("version") == 1 else None), stamp

    def _refresh(self) -> None:
        """Reload if another process saved since we last read or wrote (the caller holds the file lock)."""
        assert self.persist_path is not None
        try:
            current: _Stamp | None = _stamp(os.stat(self.persist_path))
        except OSError:
            current = None
        if current == self._stamp:
            return
        data, self._stamp = self._read_disk()
        if data is not None:
            self.state = data

    def _write(self) -> None:
        """Temp file + rename, so a reader sees the old world or the new one, never half of one."""
        assert self.persist_path is not None
        self.persist_path.parent.mkdir(parents=True, exist_ok=True)
        self._sweep_temp_files()
        fd, tmp = tempfile.mkstemp(prefix=f".sandbox-{self.persist_path.name}.", suffix=".tmp",
                                   dir=self.persist_path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self.state, handle, sort_keys=True)
            os.replace(tmp, self.persist_path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            self._stamp = _STALE
            raise
        self._stamp = _stamp(os.stat(self.persist_path))

    def _sweep_temp_files(self) -> None:
        """Remove what killed saves left behind (the caller holds the file lock); never raises."""
        assert self.persist_path is not None
        self._swept = True
        folder = self.persist_path.parent
        try:
            own = list(folder.glob(f".sandbox-{self.persist_path.name}.*.tmp"))  # only its lock holder writes one
            legacy = list(folder.glob(".sandbox-*.json"))
        except OSError:
            return
        now = time.time()  # file times are wall-clock, whatever clock drives the world
        for path in own + legacy:
            with contextlib.suppress(OSError):
                if path in own or now - path.stat().st_mtime > _LEGACY_TEMP_AGE_S:
                    path.unlink()

    def _lock_file(self) -> int | None:
        """An exclusive lock on `<file>.lock`, shared by every process using this file (blocks)."""
        if fcntl is None or self.persist_path is None:
            return None
        path = self.persist_path.with_name(self.persist_path.name + ".lock")
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def reset(self) -> None:
        """Back to the seed (and a full throttle bucket)."""
        with self.transaction():
            self.state = build_seed()
            self._bucket, self._bucket_at = _BUCKET_MAX, self.clock()
            self.save()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the world for a write and save afterwards."""
        with self.transaction():
            yield
            self.save()

    def _next_id(self) -> int:
        self.state["next_id"] += 1
        return int(self.state["next_id"])

    # --- lazy, clock-driven transitions --------------------------------------------------------

    def tick(self) -> None:
        """Apply what has happened since the last request: jobs done, services and sellers replied."""
        now = self.clock()
        changed = False
        with self.transaction():
            for job in self.state["jobs"].values():
                if not job["done"] and now >= job["created"] + self.job_delay:
                    self._finish_job(job)
                    changed = True
            for order in self.state["orders"].values():
                for fo in order["fulfillment_orders"]:
                    asked = fo.get("cancellation_requested_at")
                    if fo.get("service_silent"):
                        continue  # a service that never answers (demo of the 48-hour rule)
                    if fo["request_status"] == "CANCELLATION_REQUESTED" and asked is not None:
                        if now >= asked + self.service_reply_delay:
                            self._service_reply(fo, accept=fo.pop("service_answer", "accept") == "accept")
                            changed = True
            for ae in self.state["aliexpress"].values():
                asked = ae.get("cancel_requested_at")
                if ae["order_status"] == "IN_CANCEL" and asked is not None and now >= asked + self.seller_reply_delay:
                    answer = ae.pop("seller_answer", None) or "accept"  # a demo answers its way once
                    if answer == "ship":
                        self._seller_ships(ae)
                    else:
                        self._seller_reply(ae, accept=answer == "accept")
                    changed = True
            if changed:
                self.save()

    def first_look(self, record: dict[str, Any]) -> None:
        """A seeded follow-up demo (#1030-#1036) starts its reply clock the first time it is read.

        Its pending request carries the answer to give (`seller_answer` / `service_answer`) and no
        request time; stamping it at the first read makes the simulated answer come one reply delay
        after the merchant first sees the order waiting, whenever the sandbox was started.
        """
        with self.transaction():
            if record.get("seller_answer") and record.get("order_status") == "IN_CANCEL" \
                    and record.get("cancel_requested_at") is None:
                record["cancel_requested_at"] = self.clock()
                self.save()
            for fo in record.get("fulfillment_orders") or ():
                if fo.get("service_answer") and fo["request_status"] == "CANCELLATION_REQUESTED" \
                        and fo.get("cancellation_requested_at") is None:
                    fo["cancellation_requested_at"] = self.clock()
                    self.save()

    # --- Shopify: throttle bucket --------------------------------------------------------------

    def bucket_take(self, requested: float) -> tuple[bool, float]:
        """Reserve `requested` points from the leaky bucket; (ok, available afterwards)."""
        with self.lock:
            now = self.clock()
            self._bucket = min(_BUCKET_MAX, self._bucket + max(0.0, now - self._bucket_at) * _RESTORE_RATE)
            self._bucket_at = now
            if requested > self._bucket:
                return False, self._bucket
            self._bucket -= requested
            return True, self._bucket

    def bucket_level(self) -> float:
        """Points available now (restored since the last request)."""
        with self.lock:
            now = self.clock()
            return min(_BUCKET_MAX, self._bucket + max(0.0, now - self._bucket_at) * _RESTORE_RATE)

    def bucket_refund(self, points: float) -> float:
        with self.lock:
            self._bucket = min(_BUCKET_MAX, self._bucket + max(0.0, points))
            return self._bucket

    @property
    def bucket_max(self) -> float:
        return _BUCKET_MAX

    @property
    def restore_rate(self) -> float:
        return _RESTORE_RATE

    # --- Shopify: orders -----------------------------------------------------------------------

    def order(self, order_id: int) -> dict[str, Any] | None:
        return self.state["orders"].get(str(order_id))

    def search_orders(self, query: str | None) -> list[dict[str, Any]]:
        """`orders(query:)` for the filters the app uses: `name:#1001` / `name:1001`, `id:`."""
        orders = sorted(self.state["orders"].values(), key=lambda o: o["id"])
        for term in (query or "").split():
            key, _, value = term.partition(":")
            value = value.strip("'\"")
            if key == "name":
                wanted = value if value.startswith("#") else f"#{value}"
                orders = [o for o in orders if o["name"].lower() == wanted.lower()]
            elif key == "id":
                orders = [o for o in orders if str(o["id"]) == value]
            elif key == "status" and value == "cancelled":
                orders = [o for o in orders if o["cancelled_at"]]
            elif key == "status" and value == "open":
                orders = [o for o in orders if not o["closed"]]
            elif not _:
                orders = [o for o in orders if term.lower() in o["name"].lower()]
        return orders

    def fulfillment_order(self, fo_id: int) -> tuple[dict[str, Any], dict[str, Any]] | None:
        for order in self.state["orders"].values():
            for fo in order["fulfillment_orders"]:
                if fo["id"] == fo_id:
                    return order, fo
        return None

    def cancel_order(
        self,
        order_id: int,
        *,
        reason: str,
        restock: bool,
        refund: bool,
        store_credit: bool = False,
        notify: bool = False,
        staff_note: str | None = None,
    ) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """orderCancel: check Shopify's preconditions, then queue a job that cancels later."""
        with self.writing():
            order = self.order(order_id)
            if order is None:
                return None, [_err(["orderId"], "Order does not exist", "NOT_FOUND")]
            if order["cancelled_at"]:
                return None, [_err(["orderId"], "Order has already been cancelled", "INVALID")]
            if any(j["order_id"] == order["id"] and not j["done"] for j in self.state["jobs"].values()):
                return None, [_err(["orderId"], "Order is already being cancelled", "INVALID")]
            if staff_note is not None and len(staff_note) > 255:
                return None, [_err(["staffNote"], "Staff note is too long (maximum is 255 characters)", "INVALID")]
            if order["return_status"] in ("IN_PROGRESS", "RETURN_REQUESTED"):
                return None, [_err(["orderId"], "Cannot cancel an order with an active return", "INVALID")]
            unpaid_manual = _unpaid_manual(order)
            if order["financial_status"] == "PENDING" and not unpaid_manual:
                return None, [_err(["orderId"], "Cannot cancel an order with pending payment authorizations", "INVALID")]
            # Shopify cancels an order that is unfulfilled, or fulfilled but whose payment was never collected.
            if any(f["status"] == "SUCCESS" for f in order["fulfillments"]) and not unpaid_manual:
                return None, [_err(["orderId"], "Cannot cancel an order that has been fulfilled", "INVALID")]
            if any(fo["status"] == "IN_PROGRESS" for fo in order["fulfillment_orders"]):
                return None, [
                    _err(
                        ["orderId"],
                        "Cannot cancel an order with fulfillments in progress. "
                        "Cancel the fulfillment request or mark the fulfillment order as open first.",
                        "INVALID",
                    )
                ]
            if store_credit and not order["customer"]:
                return None, [_err(["refundMethod"], "Store credit needs a customer", "STORE_CREDIT_REFUND_MISSING_CUSTOMER")]
            job = {
                "id": secrets.token_hex(8),
                "order_id": order["id"],
                "created": self.clock(),
                "polls": 0,
                "done": False,
                "reason": reason,
                "restock": restock,
                "refund": refund,
                "store_credit": store_credit,
                "notify": notify,
                "staff_note": staff_note,
            }
            self.state["jobs"][job["id"]] = job
            return job, []

    def poll_job(self, job_id: str) -> dict[str, Any] | None:
        """`job(id)`: a job finishes after `job_polls_before_done` polls or `job_delay` seconds."""
        with self.writing():
            job = self.state["jobs"].get(job_id)
            if job is None or job["done"]:
                return job
            if job["polls"] >= self.job_polls_before_done:
                self._finish_job(job)
            else:
                job["polls"] += 1
            return job

    def _finish_job(self, job: dict[str, Any]) -> None:
        order = self.order(job["order_id"])
        job["done"] = True
        if order is None or order["cancelled_at"]:
            return
        now = _iso(self.clock())
        order.update(cancelled_at=now, cancel_reason=job["reason"], closed=True, closed_at=now, updated_at=now)
        order["staff_note"] = job["staff_note"]
        order["customer_notified"] = bool(job["notify"])
        net = Decimal(order["received"]) - sum((Decimal(r["amount"]) for r in order["refunds"]), start=Decimal("0"))
        if order["financial_status"] == "AUTHORIZED" or _unpaid_manual(order):
            order["financial_status"] = "VOIDED"  # authorizations and unpaid manual payments are voided
        elif (job["refund"] or job["store_credit"]) and net > 0 and order["financial_status"] in (
                "PAID", "PARTIALLY_PAID", "PARTIALLY_REFUNDED"):
            method = "store_credit" if job["store_credit"] else "original_payment_methods"
            order["refunds"].append({"amount": f"{net:.2f}", "method": method, "at": now})
            order["financial_status"] = "REFUNDED"
        for item in order["line_items"]:
            item["current_quantity"] = 0
        order["restocked"] = bool(job["restock"])
        for fo in order["fulfillment_orders"]:
            if fo["status"] in _ACTIVE_FO:
                fo["status"] = "CLOSED"

    # --- Shopify: fulfillment orders ---------------------------------------------------------

    def cancel_fulfillment_order(self, fo_id: int) -> tuple[dict | None, dict | None, list[dict[str, Any]]]:
        """fulfillmentOrderCancel: works on SUBMITTED (at once) and CANCELLATION_REQUESTED."""
        with self.writing():
            found = self.fulfillment_order(fo_id)
            if found is None:
                return None, None, [_err(["id"], "Fulfillment order does not exist.", None)]
            order, fo = found
            if fo["location"]["managed_by"] == "merchant" and fo["progress_reported"]:
                return fo, None, [_err(["id"], "Fulfillment order has manually reported progress and can't be "
                                       "canceled. Mark it as open instead.",
                                       "FULFILLMENT_ORDER_HAS_MANUALLY_REPORTED_PROGRESS")]
            if fo["status"] != "IN_PROGRESS" or fo["request_status"] not in ("SUBMITTED", "CANCELLATION_REQUESTED"):
                return fo, None, [_err(["id"], "Fulfillment order is not in cancelable request state and can't be "
                                       "canceled.", None)]
            fo["status"] = "CLOSED"
            replacement = {
                **{k: v for k, v in fo.items() if k not in ("id", "status", "request_status")},
                "id": self._next_id(),
                "status": "OPEN",
                "request_status": "UNSUBMITTED",
                "holds": [],
                "cancellation_requested_at": None,
                "cancellation_message": None,
            }
            order["fulfillment_orders"].append(replacement)
            order["updated_at"] = _iso(self.clock())
            return fo, replacement, []

    def request_fulfillment_cancellation(self, fo_id: int, message: str | None) -> tuple[dict | None, list]:
        """fulfillmentOrderSubmitCancellationRequest: ACCEPTED -> CANCELLATION_REQUESTED."""
        with self.writing():
            found = self.fulfillment_order(fo_id)
            if found is None:
                return None, [_err(["id"], "Fulfillment order does not exist.", None)]
            _, fo = found
            if "REQUEST_CANCELLATION" not in supported_actions(fo):
                return fo, [_err(["id"], "Fulfillment order does not support cancellation requests in its "
                                 f"current state ({fo['status']}, {fo['request_status']}).", None)]
            fo["request_status"] = "CANCELLATION_REQUESTED"
            fo["cancellation_requested_at"] = self.clock()
            fo["cancellation_message"] = message
            return fo, []

    def open_fulfillment_order(self, fo_id: int) -> tuple[dict | None, list]:
        """fulfillmentOrderOpen: a scheduled FO, or a merchant-managed one with reported progress."""
        with self.writing():
            found = self.fulfillment_order(fo_id)
            if found is None:
                return None, [_err(["id"], "Fulfillment order does not exist.", None)]
            _, fo = found
            if "MARK_AS_OPEN" not in supported_actions(fo):
                return fo, [_err(["id"], "Fulfillment order can't be marked as open in its current state "
                                 f"({fo['status']}).", None)]
            fo.update(status="OPEN", request_status="UNSUBMITTED", progress_reported=False)
            return fo, []

    def release_hold(self, fo_id: int, hold_ids: list[int] | None) -> tuple[dict | None, list]:
        """fulfillmentOrderReleaseHold: release the given holds (all when none given)."""
        with self.writing():
            found = self.fulfillment_order(fo_id)
            if found is None:
                return None, [_err(["id"], "Fulfillment order does not exist.", "FULFILLMENT_ORDER_NOT_FOUND")]
            _, fo = found
            if "RELEASE_HOLD" not in supported_actions(fo):
                return fo, [_err(["id"], f"Fulfillment order is not on hold (status {fo['status']}).", None)]
            known = {h["id"] for h in fo["holds"]}
            wanted = set(hold_ids) if hold_ids else known
            if wanted - known:
                return fo, [_err(["holdIds"], "One or more fulfillment holds do not exist on this fulfillment "
                                 "order.", None)]
            fo["holds"] = [h for h in fo["holds"] if h["id"] not in wanted]
            if not fo["holds"]:
                fo["status"] = "OPEN"
            return fo, []

    def fulfillment_service_reply(self, fo_id: int | None, *, accept: bool) -> list[dict[str, Any]]:
        """The fulfillment service answers pending cancellation requests (one, or all)."""
        with self.writing():
            pending = [
                fo
                for order in self.state["orders"].values()
                for fo in order["fulfillment_orders"]
                if fo["request_status"] == "CANCELLATION_REQUESTED" and (fo_id is None or fo["id"] == fo_id)
            ]
            if not pending:
                raise WorldError("no cancellation request is waiting for the fulfillment service")
            for fo in pending:
                self._service_reply(fo, accept=accept)
            return pending

    def _service_reply(self, fo: dict[str, Any], *, accept: bool) -> None:
        fo["cancellation_requested_at"] = None
        if accept:  # the request is withdrawn: the work is back with the merchant
            fo.update(status="OPEN", request_status="CANCELLATION_ACCEPTED")
        else:
            fo.update(status="IN_PROGRESS", request_status="CANCELLATION_REJECTED")

    # --- AliExpress ---------------------------------------------------------------------------

    def aliexpress_order(self, order_id: str) -> dict[str, Any] | None:
        return self.state["aliexpress"].get(str(order_id))

    def seller_answers_by_itself(self, order_id: str) -> bool:
        """False for a cancellation waiting on the seller with no reply clock and no demo answer (`tick` skips it)."""
        ae = self.aliexpress_order(order_id)
        if ae is None or ae["order_status"] != "IN_CANCEL":
            return True
        return ae.get("cancel_requested_at") is not None or bool(ae.get("seller_answer"))

    def aliexpress_manual_cancel(self, order_id: str) -> dict[str, Any]:
        """What the merchant does on aliexpress.com: unpaid closes at once; paid waits for the seller."""
        with self.writing():
            ae = self.aliexpress_order(order_id)
            if ae is None:
                raise WorldError(f"no AliExpress order {order_id} in the sandbox")
            status = ae["order_status"]
            if status in _AE_UNPAID:
                ae.update(order_status="FINISH", end_reason="CANCELED", logistics_status="NO_LOGISTICS")
            elif status in _AE_AWAITING:
                ae.update(order_status="IN_CANCEL", status_before_cancel=status, cancel_requested_at=self.clock())
            elif status == "IN_CANCEL":
                raise WorldError(f"AliExpress order {order_id}: a cancellation already waits for the seller")
            elif status == "FINISH" and ae["end_reason"] == "CANCELED":
                raise WorldError(f"AliExpress order {order_id} is already cancelled")
            else:
                raise WorldError(f"AliExpress order {order_id} has shipped ({status}): it cannot be cancelled, "
                                 "only returned or disputed")
            return ae

    def aliexpress_seller_reply(self, order_id: str, *, accept: bool) -> dict[str, Any]:
        with self.writing():
            ae = self.aliexpress_order(order_id)
            if ae is None:
                raise WorldError(f"no AliExpress order {order_id} in the sandbox")
            if ae["order_status"] != "IN_CANCEL":
                raise WorldError(f"AliExpress order {order_id} has no cancellation waiting for the seller")
            self._seller_reply(ae, accept=accept)
            return ae

    def _seller_ships(self, ae: dict[str, Any]) -> None:
        """The seller ignores the cancellation and ships (what `seller_answer: ship` demos)."""
        ae.update(order_status="WAIT_BUYER_ACCEPT_GOODS", logistics_status="SELLER_SEND_GOODS",
                  cancel_requested_at=None, status_before_cancel=None,
                  tracking=[{"logistics_no": f"LP00{ae['order_id'][-10:]}", "logistics_service": "CAINIAO_STANDARD"}])

    def _seller_reply(self, ae: dict[str, Any], *, accept: bool) -> None:
        ae["cancel_requested_at"] = None
        if accept:
            ae.update(order_status="FINISH", end_reason="CANCELED", logistics_status="NO_LOGISTICS")
        else:
            ae.update(order_status=ae.get("status_before_cancel") or "WAIT_SELLER_SEND_GOODS")
        ae["status_before_cancel"] = None

    # --- CJ -----------------------------------------------------------------------------------

    def cj_order(self, order_id: str) -> dict[str, Any] | None:
        return self.state["cj"]["orders"].get(str(order_id))

    def cj_delete(self, order_id: str) -> str | None:
        """deleteOrder: only before payment. Returns an error message, or None when deleted."""
        with self.writing():
            order = self.cj_order(order_id)
            if order is None:
                return "Order not found"
            if order["order_status"] not in _CJ_DELETABLE:
                return f"The order status is {order['order_status']} and the order cannot be deleted"
            order["order_status"] = "CANCELLED"
            return None

    def cj_manual_cancel(self, order_id: str) -> dict[str, Any]:
        """A cancel through CJ's site or support: before shipment only."""
        with self.writing():
            order = self.cj_order(order_id)
            if order is None:
                raise WorldError(f"no CJ order {order_id} in the sandbox")
            if order["order_status"] in (*_CJ_DELETABLE, "UNSHIPPED"):
                order["order_status"] = "CANCELLED"
                return order
            raise WorldError(f"CJ order {order_id} is {order['order_status']}: it cannot be cancelled")

    def cj_issue_token(self, api_key_ok: bool) -> dict[str, Any] | None:
        """getAccessToken: the same token for 24 h (CJ caches it server side)."""
        if not api_key_ok:
            return None
        with self.writing():
            now = self.clock()
            tokens = self.state["cj"]["tokens"]
            for token in tokens.values():
                if token["created"] + 86400 > now and token["expires"] > now:
                    return token
            return self._new_cj_token(now)

    def cj_refresh(self, refresh_token: str) -> dict[str, Any] | None:
        with self.writing():
            now = self.clock()
            owner = self.state["cj"]["refresh_tokens"].get(refresh_token)
            if owner is None or owner["expires"] <= now:
                return None
            self.state["cj"]["tokens"].pop(owner["access_token"], None)
            del self.state["cj"]["refresh_tokens"][refresh_token]
            return self._new_cj_token(now)

    def _new_cj_token(self, now: float) -> dict[str, Any]:
        access = f"API@CJ{self._next_id() % 10_000_000}@CJ:{secrets.token_hex(24)}"
        refresh = f"API@CJ@CJ:{secrets.token_hex(24)}"
        token = {
            "access_token": access,
            "refresh_token": refresh,
            "created": now,
            "expires": now + 15 * 86400,
            "refresh_expires": now + 180 * 86400,
            "open_id": 1798250473817120768,
        }
        self.state["cj"]["tokens"][access] = token
        self.state["cj"]["refresh_tokens"][refresh] = {"access_token": access, "expires": token["refresh_expires"]}
        return token

    def cj_token_valid(self, access_token: str | None) -> bool:
        with self.lock:
            token = self.state["cj"]["tokens"].get(access_token or "")
            return token is not None and token["expires"] > self.clock()


def _stamp(stat: os.stat_result) -> _Stamp:
    """What changes whenever the file is replaced or rewritten (rename gives a new inode and ctime)."""
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def _unlock(fd: int | None) -> None:
    if fd is None:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _unpaid_manual(order: dict[str, Any]) -> bool:
    """Cash on delivery or another manual method, nothing received yet."""
    return (order["financial_status"] == "PENDING" and bool(order.get("manual_payment"))
            and Decimal(order["received"]) == 0)


def _err(field: list[str] | None, message: str, code: str | None) -> dict[str, Any]:
    return {"field": field, "message": message, "code": code}
