"""The steps: each guide step's status for an order, as data, before any word is written.

`step_rows` gives every step of `cancel-an-order` in guide order as a `StepRow`: a draft status
(`Todo`), the button it would offer, its target, and the `Reason` (the situation `kb.wording`
words). The supplier steps repeat per supplier order (`SUPPLIER_STEPS`: one row of the table
per situation), and `shopify-revert-fulfillment` per fulfillment order that needs a revert, is
waiting for one, or shows one already done. `resolve` then picks the one next step: the most
urgent, then the first in guide order (cancelling an active supplier order comes before
anything else: it stops money leaking); every other step still to do is blocked until then.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import timedelta
from enum import IntEnum, StrEnum
from types import MappingProxyType
from typing import NamedTuple

from kb import guards as g
from kb.facts import Facts, SupplierGroup
from kb.hand_check import SUPPLIER_RECHECK
from kb.precedence import PathVerdict
from kb.refunds import REFUNDED, open_chargebacks, refund_owed
from kb.revert import FULFILLED_DISPLAY
from kb.state import (
    CancelChannel,
    FulfillmentOrderAction,
    FulfillmentOrderState,
    RefundTiming,
    SupplierOrderState,
)
from kb.walkthrough import ActionId, PathId, StepStatus

__all__ = [
    "Reason",
    "RETURN_STEP",
    "StepRow",
    "SUPPLIER_STEPS",
    "SUPPLIER_STEP_IDS",
    "SupplierSituation",
    "Todo",
    "SERVICE_RECHECK",
    "recheck",
    "resolve",
    "step_rows",
    "supplier_situation",
]


class Todo(IntEnum):
    """Draft status of a step before exactly one is chosen as next (higher value wins)."""

    DONE = 0
    NOT_NEEDED = 1
    BLOCKED = 2
    WAIT = 3  # a check-again step: next only when nothing else is to do
    TODO = 4
    URGENT = 5  # cancelling an active supplier order: money is at stake


class Reason(StrEnum):
    """The situation a step's reason is worded for (`kb.wording.steps.STEP_REASONS`)."""

    LOOKUP_FOUND = "lookup_found"
    LOOKUP_ASK = "lookup_ask"
    LOOKUP_NONE = "lookup_none"
    SUPPLIER_NOT_KNOWN = "supplier_not_known"
    NO_SUPPLIER = "no_supplier"
    CHECK_READ = "check_read"
    CHECK_ODD = "check_odd"
    CHECK_UNREAD = "check_unread"
    CANCEL_ACTIVE = "cancel_active"
    CANCEL_REQUESTED = "cancel_requested"
    CANCEL_SHIPPED = "cancel_shipped"
    CANCEL_DONE = "cancel_done"
    CANCEL_UNCLEAR = "cancel_unclear"
    CONFIRM_AFTER_CANCEL = "confirm_after_cancel"
    CONFIRM_WAIT = "confirm_wait"
    CONFIRM_SHIPPED = "confirm_shipped"
    CONFIRM_DONE = "confirm_done"
    CONFIRM_UNCLEAR = "confirm_unclear"
    SHOPIFY_SHOWS_CANCELLED = "shopify_shows_cancelled"
    SHOPIFY_LOOK = "shopify_look"
    SHOPIFY_SHOWS_STATUS = "shopify_shows_status"
    REVERT_ORDER_CANCELLED = "revert_order_cancelled"
    REVERT_HELD = "revert_held"
    REVERT_NOTHING_OPEN = "revert_nothing_open"
    REVERT_DONE = "revert_done"
    REVERT_WAITING = "revert_waiting"
    REVERT_NOT_ALLOWED = "revert_not_allowed"
    REVERT_NO_HELP = "revert_no_help"
    REVERT_AFTER_FIND = "revert_after_find"
    REVERT_AFTER_SUPPLIER = "revert_after_supplier"
    REVERT_NOW = "revert_now"
    ORDER_CANCELLED = "order_cancelled"
    ORDER_CANCEL_NOW = "order_cancel_now"
    ORDER_CANCEL_BLOCKED = "order_cancel_blocked"
    CONFIRM_AFTER_SHOPIFY = "confirm_after_shopify"
    REFUND_IF_LATER = "refund_if_later"
    REFUND_OWED = "refund_owed"
    REFUND_CHARGEBACK = "refund_chargeback"
    REFUND_DONE = "refund_done"
    REFUND_WITH_CANCEL = "refund_with_cancel"
    REFUND_NOTHING_PAID = "refund_nothing_paid"
    TELL_DONE = "tell_done"
    TELL_TODO = "tell_todo"
    TELL_MAYBE = "tell_maybe"
    TELL_AFTER_SHIPPED = "tell_after_shipped"
    TELL_AFTER_CANCEL = "tell_after_cancel"
    RETURN_NOW = "return_now"
    RETURN_CANCELLED = "return_cancelled"
    RETURN_UNCLEAR = "return_unclear"
    RETURN_NOT_SHIPPED = "return_not_shipped"
    RETURN_NO_SUPPLIER = "return_no_supplier"
    FULFILLED_NO = "fulfilled_no"
    FULFILLED_UNPAID = "fulfilled_unpaid"
    FULFILLED_RETURN = "fulfilled_return"


class StepRow(NamedTuple):
    """A step before the one next step is chosen."""

    step_id: str
    todo: Todo
    reason: Reason
    subject: SupplierOrderState | FulfillmentOrderState | None = None  # what the reason speaks of
    action: ActionId | None = None
    target: str | None = None
    supplier: str | None = None
    revert: FulfillmentOrderAction | None = None


class SupplierSituation(StrEnum):
    """A supplier order's group, split where the steps differ (how it is cancelled, whether it was read)."""

    ACTIVE_BY_API = "active_by_api"
    ACTIVE_BY_HAND = "active_by_hand"
    PENDING = "pending"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"
    ODD = "odd"
    UNREAD = "unread"


class Cell(NamedTuple):
    todo: Todo
    action: ActionId | None
    reason: Reason


T, R, A = Todo, Reason, ActionId
SUPPLIER_STEP_IDS = ("supplier-check-status", "supplier-cancel", "supplier-confirm-cancelled")
SUPPLIER_STEPS: Mapping[SupplierSituation, tuple[Cell, Cell, Cell]] = MappingProxyType({
    #                                supplier-check-status                    supplier-cancel                                supplier-confirm-cancelled
    SupplierSituation.ACTIVE_BY_API: (Cell(T.DONE, None, R.CHECK_READ), Cell(T.URGENT, A.CANCEL_SUPPLIER, R.CANCEL_ACTIVE), Cell(T.BLOCKED, A.CHECK_SUPPLIER, R.CONFIRM_AFTER_CANCEL)),
    SupplierSituation.ACTIVE_BY_HAND: (Cell(T.DONE, None, R.CHECK_READ), Cell(T.URGENT, A.OPEN_SUPPLIER, R.CANCEL_ACTIVE), Cell(T.BLOCKED, A.CHECK_SUPPLIER, R.CONFIRM_AFTER_CANCEL)),
    SupplierSituation.PENDING: (Cell(T.DONE, None, R.CHECK_READ), Cell(T.DONE, None, R.CANCEL_REQUESTED), Cell(T.WAIT, A.CHECK_SUPPLIER, R.CONFIRM_WAIT)),
    SupplierSituation.SHIPPED: (Cell(T.DONE, None, R.CHECK_READ), Cell(T.BLOCKED, None, R.CANCEL_SHIPPED), Cell(T.NOT_NEEDED, None, R.CONFIRM_SHIPPED)),
    SupplierSituation.CANCELLED: (Cell(T.DONE, None, R.CHECK_READ), Cell(T.DONE, None, R.CANCEL_DONE), Cell(T.DONE, None, R.CONFIRM_DONE)),
    SupplierSituation.ODD: (Cell(T.TODO, A.CHECK_SUPPLIER, R.CHECK_ODD), Cell(T.BLOCKED, None, R.CANCEL_UNCLEAR), Cell(T.BLOCKED, None, R.CONFIRM_UNCLEAR)),
    SupplierSituation.UNREAD: (Cell(T.TODO, A.CHECK_BY_HAND, R.CHECK_UNREAD), Cell(T.BLOCKED, None, R.CANCEL_UNCLEAR), Cell(T.BLOCKED, None, R.CONFIRM_UNCLEAR)),
})
# supplier-return-or-dispute, per supplier group.
RETURN_STEP: Mapping[SupplierGroup, tuple[Todo, Reason]] = MappingProxyType({
    SupplierGroup.ACTIVE: (T.NOT_NEEDED, R.RETURN_NOT_SHIPPED),
    SupplierGroup.PENDING: (T.NOT_NEEDED, R.RETURN_NOT_SHIPPED),
    SupplierGroup.SHIPPED: (T.TODO, R.RETURN_NOW),
    SupplierGroup.CANCELLED: (T.NOT_NEEDED, R.RETURN_CANCELLED),
    SupplierGroup.ODD: (T.NOT_NEEDED, R.RETURN_UNCLEAR),
})
# How long to wait before checking a pending answer again (a seller's: also how long a check by hand holds).
SERVICE_RECHECK = timedelta(hours=1)
_REVERT_PATHS = frozenset({PathId.FULFILLMENT_IN_PROGRESS, PathId.CANCELLATION_PENDING})


_SAME_SITUATION: Mapping[SupplierGroup, SupplierSituation] = MappingProxyType({
    SupplierGroup.PENDING: SupplierSituation.PENDING,
    SupplierGroup.SHIPPED: SupplierSituation.SHIPPED,
    SupplierGroup.CANCELLED: SupplierSituation.CANCELLED,
})


def supplier_situation(so: SupplierOrderState, group: SupplierGroup) -> SupplierSituation:
    """The group, split by how an active order is cancelled and whether an odd one could be read."""
    if group is SupplierGroup.ACTIVE:
        api = so.cancel_channel is CancelChannel.API
        return SupplierSituation.ACTIVE_BY_API if api else SupplierSituation.ACTIVE_BY_HAND
    if group is SupplierGroup.ODD:
        return SupplierSituation.UNREAD if so.read_error is not None else SupplierSituation.ODD
    return _SAME_SITUATION[group]


def recheck(f: Facts) -> timedelta:
    """When to look again at an order waiting for an answer (the sooner of the answers awaited)."""
    waits = []
    if f.waiting_fos:
        waits.append(SERVICE_RECHECK)
    if f.pending:
        waits.append(SUPPLIER_RECHECK)
    return min(waits)


def step_rows(f: Facts, verdict: PathVerdict) -> list[StepRow]:
    shopify, path = f.shopify, verdict.path
    # Ask for the supplier order wherever Shopify may still be cancelled (a fulfilled order is a return).
    asks = g.supplier_unknown(f) and not f.cancelled and path is not PathId.FULFILLED
    if f.suppliers:
        rows = [_row("look-up-order", T.DONE, R.LOOKUP_FOUND)]
    elif asks:
        rows = [_row("look-up-order", T.TODO, R.LOOKUP_ASK, A.FIND_SUPPLIER_ORDER)]
    else:
        rows = [_row("look-up-order", T.DONE, R.LOOKUP_NONE)]
    for so, group in zip(f.suppliers, f.groups):
        rows += [_on(so, step) for step in _SUPPLIER_ROWS[supplier_situation(so, group)]]
    if not f.suppliers:
        rows += _NOT_KNOWN_ROWS if asks else _NO_SUPPLIER_ROWS
    if f.cancelled:
        rows.append(_row("shopify-check-fulfillment", T.DONE, R.SHOPIFY_SHOWS_CANCELLED))
    elif verdict.shopify_odd:
        rows.append(_row("shopify-check-fulfillment", T.TODO, R.SHOPIFY_LOOK))
    else:
        rows.append(_row("shopify-check-fulfillment", T.DONE, R.SHOPIFY_SHOWS_STATUS))
    rows += _revert_rows(f, path)
    if f.cancelled:
        rows.append(StepRow("shopify-cancel", T.DONE, R.ORDER_CANCELLED, target=shopify.id))
    elif path is PathId.CANCELLABLE and g.cancel_clear(f):
        rows.append(StepRow("shopify-cancel", T.TODO, R.ORDER_CANCEL_NOW, action=A.CANCEL_ORDER, target=shopify.id))
    else:
        rows.append(StepRow("shopify-cancel", T.BLOCKED, R.ORDER_CANCEL_BLOCKED, target=shopify.id))
    if f.cancelled:
        rows.append(_row("shopify-confirm-cancelled", T.DONE, R.SHOPIFY_SHOWS_CANCELLED))
    else:
        rows.append(_row("shopify-confirm-cancelled", T.BLOCKED, R.CONFIRM_AFTER_SHOPIFY))
    rows.append(_row("shopify-refund-later", *_refund_later(f)))
    rows.append(_row("tell-customer", *_tell_customer(f)))
    for so, group in zip(f.suppliers, f.groups):
        rows.append(_on(so, _RETURN_ROWS[group]))
    if not f.suppliers:
        rows.append(_row("supplier-return-or-dispute", T.NOT_NEEDED, R.RETURN_NO_SUPPLIER))
    rows.append(_row("fulfilled-refund-or-return", *_fulfilled(f)))
    return rows


@functools.cache
def _row(step_id: str, todo: Todo, reason: Reason, action: ActionId | None = None) -> StepRow:
    """A row that names no order or fulfillment order: the same for every order, so built once."""
    return StepRow(step_id, todo, reason, action=action)


_make_row = StepRow._make


def _on(so: SupplierOrderState, row: StepRow) -> StepRow:
    """A supplier step's row (`_SUPPLIER_ROWS`, `_RETURN_ROWS`) for this supplier order."""
    return _make_row((row.step_id, row.todo, row.reason, so, row.action, so.order_id, so.supplier, None))


# The tables above as rows, built once: a supplier order then only fills in its own id.
_SUPPLIER_ROWS: Mapping[SupplierSituation, tuple[StepRow, ...]] = MappingProxyType({
    situation: tuple(StepRow(step_id, cell.todo, cell.reason, action=cell.action)
                     for step_id, cell in zip(SUPPLIER_STEP_IDS, cells))
    for situation, cells in SUPPLIER_STEPS.items()})
_RETURN_ROWS: Mapping[SupplierGroup, StepRow] = MappingProxyType({
    group: StepRow("supplier-return-or-dispute", todo, reason) for group, (todo, reason) in RETURN_STEP.items()})
# No supplier order: not known yet (the merchant is asked for it), or none was placed.
_NOT_KNOWN_ROWS = tuple(StepRow(step_id, T.BLOCKED, R.SUPPLIER_NOT_KNOWN) for step_id in SUPPLIER_STEP_IDS)
_NO_SUPPLIER_ROWS = tuple(StepRow(step_id, T.NOT_NEEDED, R.NO_SUPPLIER) for step_id in SUPPLIER_STEP_IDS)


def _revert_rows(f: Facts, path: PathId) -> list[StepRow]:
    step = "shopify-revert-fulfillment"
    if f.cancelled:
        return [StepRow(step, T.NOT_NEEDED, R.REVERT_ORDER_CANCELLED)]
    if not f.to_revert and not f.waiting_fos and not f.reverted_fos:
        return [StepRow(step, T.NOT_NEEDED, R.REVERT_HELD if f.held else R.REVERT_NOTHING_OPEN)]
    rows: list[StepRow] = []
    waiting_ids = {fo.id for fo in f.waiting_fos}
    reverted_ids = {fo.id for fo in f.reverted_fos}
    reverts = {fo.id: action for fo, action in f.to_revert}
    for fo in f.shopify.fulfillment_orders:
        if fo.id in reverted_ids:
            rows.append(StepRow(step, T.DONE, R.REVERT_DONE, fo, target=fo.id))
        elif fo.id in waiting_ids:
            rows.append(StepRow(step, T.WAIT, R.REVERT_WAITING, fo, target=fo.id))
        elif fo.id in reverts:
            action = reverts[fo.id]
            if action is None:
                rows.append(StepRow(step, T.BLOCKED, R.REVERT_NOT_ALLOWED, fo, target=fo.id))
            elif path not in _REVERT_PATHS:
                rows.append(StepRow(step, T.BLOCKED, R.REVERT_NO_HELP, fo, target=fo.id, revert=action))
            elif g.supplier_unknown(f):
                rows.append(StepRow(step, T.BLOCKED, R.REVERT_AFTER_FIND, fo, target=fo.id, revert=action))
            elif not g.supplier_clear(f):
                rows.append(StepRow(step, T.BLOCKED, R.REVERT_AFTER_SUPPLIER, fo, target=fo.id, revert=action))
            else:
                rows.append(StepRow(step, T.TODO, R.REVERT_NOW, fo, A.REVERT_FULFILLMENT, fo.id, revert=action))
    return rows


def _refund_later(f: Facts) -> tuple[Todo, Reason]:
    if not f.cancelled:
        return T.NOT_NEEDED, R.REFUND_IF_LATER
    if refund_owed(f.shopify):
        return T.TODO, R.REFUND_OWED
    if open_chargebacks(f.shopify):
        return T.NOT_NEEDED, R.REFUND_CHARGEBACK
    if f.cancel_refund is RefundTiming.NOW:  # a refund later was never chosen: it is not "done"
        return T.NOT_NEEDED, R.REFUND_WITH_CANCEL
    if f.shopify.financial_status in REFUNDED:
        return T.DONE, R.REFUND_DONE
    return T.NOT_NEEDED, R.REFUND_NOTHING_PAID


_TELL_AFTER_CANCEL: Mapping[bool | None, tuple[Todo, Reason]] = MappingProxyType({
    True: (T.DONE, R.TELL_DONE),  # Shopify emailed the customer when we cancelled
    False: (T.TODO, R.TELL_TODO),  # Shopify was not asked to: they have heard nothing
    None: (T.NOT_NEEDED, R.TELL_MAYBE),  # not cancelled through us: we cannot know
})


def _tell_customer(f: Facts) -> tuple[Todo, Reason]:
    if f.cancelled and not f.shipped:
        return _TELL_AFTER_CANCEL[f.customer_notified]
    return (T.BLOCKED, R.TELL_AFTER_SHIPPED) if f.shipped else (T.BLOCKED, R.TELL_AFTER_CANCEL)


def _fulfilled(f: Facts) -> tuple[Todo, Reason]:
    if f.cancelled or f.shopify.fulfillment_status not in FULFILLED_DISPLAY:
        return T.NOT_NEEDED, R.FULFILLED_NO
    if f.refused_cod:
        return T.NOT_NEEDED, R.FULFILLED_UNPAID
    return T.TODO, R.FULFILLED_RETURN


# Each draft status as a step status: a to-do not chosen as the next step is blocked until then.
_STATUS_OF = (StepStatus.DONE, StepStatus.NOT_NEEDED, *[StepStatus.BLOCKED] * 4)  # indexed by Todo


def resolve(rows: list[StepRow]) -> tuple[int | None, list[StepStatus]]:
    """Pick the one next step (highest urgency, then guide order) and block the other to-dos.

    Returns the next step's index (None when nothing is left to do) and every step's status.
    """
    todos = [row.todo for row in rows]
    most = max(todos)
    best = todos.index(most) if most >= Todo.WAIT else None  # the first of the most urgent
    statuses = [_STATUS_OF[todo] for todo in todos]
    if best is not None:
        statuses[best] = StepStatus.NEXT
    return best, statuses
