"""The rules: from an order's real state, which path it is on and what to do next.

`decide(OrderState) -> Walkthrough` is pure and total: every valid `OrderState` maps to
exactly one `PathId` and to the steps of the guide `cancel-an-order`, in guide order, each
with a status (done / next / blocked / not needed), a reason in a merchant's words and, on
the step marked next, the button (`ActionId`) it offers.

Supplier statuses fall into five groups: *active* (placed_unpaid, awaiting_shipment: can
still be cancelled), *pending* (cancel_requested: waiting for the seller), *shipped*
(partially_shipped, shipped, completed), *cancelled*, and *odd* (held, in_dispute, unknown,
including orders that could not be read).

Path precedence, first match wins (documented here because the order is the rule):

When Shopify shows the order cancelled:
  1. a supplier order is still active              -> supplier_still_active (money leaking)
  2. a supplier cancellation is pending            -> cancellation_pending
  3. a supplier order has shipped                  -> supplier_shipped (goods going to a refunded customer)
  4. a supplier order is odd                       -> needs_attention
  5. otherwise                                     -> already_cancelled

When it is not cancelled:
  1. anything odd                                  -> needs_attention: a pending payment authorization
     (financial PENDING, unless it is a manual method such as cash on delivery with nothing received:
     that is an ordinary cancel with nothing to refund), a return in progress, an UNKNOWN or REQUEST_DECLINED fulfillment status, an
     open fulfillment order whose status or request is unknown, REJECTED or CANCELLATION_REJECTED, an
     odd supplier order, a linked supplier order that was not read, or Shopify (partially) fulfilled
     while none of the linked supplier orders has shipped
  2. FULFILLED or PARTIALLY_FULFILLED              -> fulfilled (except FULFILLED and never paid on
     delivery, a refused parcel: Shopify still cancels it, so it goes on down this list)
  3. a supplier order has shipped                  -> supplier_shipped (same exception)
  4. a fulfillment cancellation request (CANCELLATION_REQUESTED) or a supplier
     cancellation is waiting for the other side   -> cancellation_pending
  5. a fulfillment is in progress (IN_PROGRESS / PENDING_FULFILLMENT, or an open fulfillment order
     whose request is SUBMITTED or ACCEPTED, or which is IN_PROGRESS, or whose cancellation request
     the service has left unanswered for 48 hours while Shopify allows fulfillmentOrderCancel)
     -> fulfillment_in_progress if `revert_action_for` finds a supported revert for every such
        fulfillment order, else needs_attention (no revert is currently allowed)
  6. otherwise (UNFULFILLED, ON_HOLD, legacy OPEN / RESTOCKED / SCHEDULED) -> cancellable. A hold never
     blocks the cancel and is never released to make way for it: an app waiting on the hold may fulfil
     the order the moment it is released.

After the cancel, already_cancelled keeps a next step while a follow-up is left (a refund chosen for
later that Shopify does not show done, or a customer Shopify was not asked to notify); its title is
then FOLLOW_UP_TITLE.

Split orders: each supplier order gets its own `SupplierVerdict` (from its status and whether
Shopify is cancelled); the whole order takes the path above, which is always the most
constraining one (one shipped + one not = supplier_shipped, with the unshipped one's cancel
still offered because cancelling it still saves money).

Steps: every step of `cancel-an-order` appears once, in guide order, except that the supplier
steps (`supplier-check-status`, `supplier-cancel`, `supplier-confirm-cancelled`, and
`supplier-return-or-dispute`) repeat once per supplier order (target = that order), and
`shopify-revert-fulfillment` repeats once per fulfillment order that needs a revert, is
waiting for one, or shows one already done (target = that fulfillment order's GID; done only
from what Shopify reports now, see `_reverted`). Exactly one step is `next` unless
the path is already_cancelled: the first step to do, where cancelling an active supplier
order comes before anything else (it stops money leaking); when only waiting is left, the
check-again step is next. Every other step that is still to do is `blocked` until then, and
its reason says why. Only the `next` step carries an action: `cancel_order` only when both
sides allow it, and a revert only when Shopify lists it in the fulfillment order's
supported actions.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import NamedTuple

from kb.guide import load_guide
from kb.refunds import open_chargebacks, refundable, refundable_presentment, unpaid_manual_payment
from kb.state import (
    CancelChannel,
    DisplayFinancialStatus,
    DisplayFulfillmentStatus,
    FulfillmentOrderAction,
    FulfillmentOrderRequestStatus,
    FulfillmentOrderState,
    FulfillmentOrderStatus,
    NoSupplierOrder,
    OrderState,
    ShopifyOrderState,
    SupplierOrderState,
    SupplierStatus,
)
from kb.discovery import app_signs
from kb.hand_check import SUPPLIER_RECHECK
from kb.suppliers import SUPPLIER_TITLES
from kb.walkthrough import (
    ActionId,
    PathId,
    StepStatus,
    Walkthrough,
)

__all__ = [
    "CANCEL_GUIDE",
    "FOLLOW_UP_TITLE",
    "PATH_TITLES",
    "REVERT_GUIDE",
    "SERVICE_SILENCE",
    "StepVerdict",
    "Verdict",
    "classify",
    "decide",
    "revert_action_for",
    "service_silent",
]

CANCEL_GUIDE = "cancel-an-order"
REVERT_GUIDE = "revert-fulfillment-request"

PATH_TITLES: Mapping[PathId, str] = MappingProxyType(
    {
        PathId.CANCELLABLE: "You can cancel this order",
        PathId.FULFILLMENT_IN_PROGRESS: "Fulfillment in progress: revert the request first",
        PathId.CANCELLATION_PENDING: "Cancellation asked for: waiting for an answer",
        PathId.SUPPLIER_SHIPPED: "The supplier has already shipped",
        PathId.FULFILLED: "Shopify shows the order fulfilled",
        PathId.SUPPLIER_STILL_ACTIVE: "Cancelled on Shopify, but the supplier order is still active",
        PathId.ALREADY_CANCELLED: "Already cancelled: nothing left to do",
        PathId.NEEDS_ATTENTION: "Needs a closer look before cancelling",
    }
)
# already_cancelled while a follow-up (a refund chosen for later, telling the customer) is still to do.
FOLLOW_UP_TITLE = "Cancelled on Shopify: follow-up still to do"

# Paths that end with cancelling on Shopify: the cancel's own warnings belong to them.
_CANCEL_PATHS = frozenset({PathId.CANCELLABLE, PathId.FULFILLMENT_IN_PROGRESS, PathId.CANCELLATION_PENDING})

# How long to wait before checking a pending answer again.
_SERVICE_RECHECK = timedelta(hours=1)
# A fulfillment service silent this long on a cancellation request: the merchant may stop waiting.
SERVICE_SILENCE = timedelta(hours=48)
_SUPPLIER_RECHECK = SUPPLIER_RECHECK  # also how long a "cancellation requested" checked by hand holds

_S = SupplierStatus
_ACTIVE = frozenset({_S.PLACED_UNPAID, _S.AWAITING_SHIPMENT})
_PENDING = frozenset({_S.CANCEL_REQUESTED})
_SHIPPED = frozenset({_S.PARTIALLY_SHIPPED, _S.SHIPPED, _S.COMPLETED})
_ODD = frozenset({_S.HELD, _S.IN_DISPUTE, _S.UNKNOWN})

_D = DisplayFulfillmentStatus
_FULFILLED_DISPLAY = frozenset({_D.FULFILLED, _D.PARTIALLY_FULFILLED})
# ON_HOLD is not here: a held order is cancelled directly, never released first (see `_held`).
_IN_PROGRESS_DISPLAY = frozenset({_D.IN_PROGRESS, _D.PENDING_FULFILLMENT})

_FOS = FulfillmentOrderStatus
_FOR = FulfillmentOrderRequestStatus
_FINISHED_FO = frozenset({_FOS.CLOSED, _FOS.CANCELLED})
_ODD_REQUESTS = frozenset({_FOR.REJECTED, _FOR.CANCELLATION_REJECTED, _FOR.UNKNOWN})
_UNFINISHED_REQUESTS = frozenset({_FOR.SUBMITTED, _FOR.CANCELLATION_REQUESTED})  # never accepted, or being withdrawn

_SUPPLIER_STATUS_WORDS = {
    _S.PLACED_UNPAID: "placed, not paid yet",
    _S.AWAITING_SHIPMENT: "paid, waiting for the seller to ship",
    _S.HELD: "on hold at the supplier (risk control, a missing address or a group buy)",
    _S.CANCEL_REQUESTED: "cancellation requested, waiting for the seller",
    _S.PARTIALLY_SHIPPED: "partly shipped",
    _S.SHIPPED: "shipped",
    _S.COMPLETED: "delivered or completed",
    _S.CANCELLED: "cancelled",
    _S.IN_DISPUTE: "in a dispute or refund case",
    _S.UNKNOWN: "in a status we do not know",
}

_DISPLAY_WORDS = {
    _D.UNFULFILLED: "Unfulfilled",
    _D.PARTIALLY_FULFILLED: "Partially fulfilled",
    _D.FULFILLED: "Fulfilled",
    _D.IN_PROGRESS: "In progress",
    _D.ON_HOLD: "On hold",
    _D.SCHEDULED: "Scheduled",
    _D.REQUEST_DECLINED: "Request declined",
    _D.RESTOCKED: "Restocked",
    _D.PENDING_FULFILLMENT: "Pending fulfillment",
    _D.OPEN: "Open",
    _D.UNKNOWN: "an unknown fulfillment status",
}

_REVERT_WORDS = {  # what the revert does, completed by "for <the fulfillment ...>"
    FulfillmentOrderAction.CANCEL_FULFILLMENT_ORDER: (
        "cancel the fulfillment request (Shopify does it at once, but does not tell the fulfillment service: "
        "stop the order in the app, such as DSers or Zopi, too)"),
    FulfillmentOrderAction.REQUEST_CANCELLATION: "ask the fulfillment service to cancel the request it accepted",
    FulfillmentOrderAction.MARK_AS_OPEN: "mark it as open again",
}


def service_silent(fo: FulfillmentOrderState, now: datetime | None) -> bool:
    """A cancellation request the fulfillment service has left unanswered for 48 hours or more."""
    asked = fo.cancellation_requested_at
    return (fo.request_status is _FOR.CANCELLATION_REQUESTED and fo.status not in _FINISHED_FO
            and asked is not None and now is not None and now - asked >= SERVICE_SILENCE)


def _overdue(fo: FulfillmentOrderState, now: datetime | None) -> bool:
    """Silent for 48 hours, and Shopify lets the merchant cancel the fulfillment order themselves."""
    return service_silent(fo, now) and FulfillmentOrderAction.CANCEL_FULFILLMENT_ORDER in fo.supported_actions


def revert_action_for(fo: FulfillmentOrderState, *, now: datetime | None = None) -> FulfillmentOrderAction | None:
    """The mutation that takes this fulfillment order back to unfulfilled, if Shopify allows one now.

    Never returns an action missing from `fo.supported_actions`: Shopify lists exactly what it
    allows, so anything else would fail (or, worse, do something else). Never RELEASE_HOLD: a held
    order is cancelled as it is, because releasing a hold can let an app fulfil the order at once.
    """
    if fo.status in _FINISHED_FO:
        return None
    allowed = fo.supported_actions
    A = FulfillmentOrderAction
    if fo.request_status is _FOR.SUBMITTED and A.CANCEL_FULFILLMENT_ORDER in allowed:
        return A.CANCEL_FULFILLMENT_ORDER
    if _overdue(fo, now):  # `now` is when the state was read: without it, nothing is overdue
        return A.CANCEL_FULFILLMENT_ORDER
    if fo.request_status is _FOR.ACCEPTED and A.REQUEST_CANCELLATION in allowed:
        return A.REQUEST_CANCELLATION
    if fo.status is _FOS.IN_PROGRESS and fo.request_status is _FOR.UNSUBMITTED and A.MARK_AS_OPEN in allowed:
        return A.MARK_AS_OPEN
    return None


# --- Facts: everything the rules read, computed once --------------------------------------


def _needs_revert(fo: FulfillmentOrderState, now: datetime | None = None) -> bool:
    """An open fulfillment order that blocks Shopify's cancel until it is reverted."""
    if fo.status in _FINISHED_FO:
        return False
    if fo.request_status is _FOR.CANCELLATION_REQUESTED:
        return _overdue(fo, now)
    return fo.request_status in (_FOR.SUBMITTED, _FOR.ACCEPTED) or fo.status is _FOS.IN_PROGRESS


def _is_held(fo: FulfillmentOrderState) -> bool:
    """On hold (any reason): it does not block Shopify's cancel, and is never released to cancel."""
    return fo.status not in _FINISHED_FO and (fo.status is _FOS.ON_HOLD or bool(fo.hold_ids))


def _is_waiting(fo: FulfillmentOrderState, now: datetime | None = None) -> bool:
    return fo.status not in _FINISHED_FO and fo.request_status is _FOR.CANCELLATION_REQUESTED and not _overdue(fo, now)


def _reverted(shopify: ShopifyOrderState) -> tuple[FulfillmentOrderState, ...]:
    """Fulfillment orders whose own state shows their request was already taken back.

    The rules see no history, only what Shopify reports now: the service accepted a cancellation
    request (CANCELLATION_ACCEPTED), or a request never completed (SUBMITTED, CANCELLATION_REQUESTED)
    was closed and a replacement fulfillment order holds the work left to do, which is what
    `fulfillmentOrderCancel` leaves behind. An order Shopify shows cancelled or (partly) fulfilled
    proves nothing: cancelling and fulfilling close fulfillment orders too.
    """
    fos = shopify.fulfillment_orders
    if shopify.is_cancelled or not fos:
        return ()
    replaced = shopify.fulfillment_status not in _FULFILLED_DISPLAY and any(
        fo.status not in _FINISHED_FO for fo in fos)
    return tuple(
        fo for fo in fos
        if (fo.request_status is _FOR.CANCELLATION_ACCEPTED and not _needs_revert(fo))
        or (replaced and fo.status in _FINISHED_FO and fo.request_status in _UNFINISHED_REQUESTS)
    )


@dataclass(slots=True)
class _Facts:
    """What the rules read, computed once per decision (private and never changed after `_facts`)."""

    shopify: ShopifyOrderState
    suppliers: tuple[SupplierOrderState, ...]
    cancelled: bool
    active: tuple[SupplierOrderState, ...]
    pending: tuple[SupplierOrderState, ...]
    shipped: tuple[SupplierOrderState, ...]
    done: tuple[SupplierOrderState, ...]
    odd: tuple[SupplierOrderState, ...]
    to_revert: tuple[tuple[FulfillmentOrderState, FulfillmentOrderAction | None], ...]
    waiting_fos: tuple[FulfillmentOrderState, ...]
    reverted_fos: tuple[FulfillmentOrderState, ...]  # requests the state shows already taken back
    held: tuple[FulfillmentOrderState, ...]  # on hold: cancelled as they are, never released
    customer_notified: bool | None  # our cancel asked Shopify to email the customer (None: unknown)
    unpaid_manual: bool  # cash on delivery or another manual method, nothing received
    refused_cod: bool  # Shopify shows it fulfilled, but the payment was never collected: still cancellable
    shopify_odd: tuple[str, ...]  # what is odd on the Shopify side or between the sides
    on_date: str  # " on 2026-03-02" when cancelled, else ""
    no_supplier_order: NoSupplierOrder | None  # the merchant confirmed none was placed
    app_signs: tuple[str, ...]  # why an app probably placed one (kb.discovery)

    @property
    def supplier_unknown(self) -> bool:
        """No supplier order is known and nobody has ruled one out: the supplier side is not clear."""
        return not self.suppliers and self.no_supplier_order is None

    @property
    def supplier_clear(self) -> bool:
        """Every supplier order is cancelled, or the merchant confirmed none was placed: Shopify may go ahead."""
        return len(self.done) == len(self.suppliers) and not self.supplier_unknown

    @property
    def cancel_clear(self) -> bool:
        """Nothing at the supplier stands in the way of Shopify's cancel.

        A refused cash-on-delivery parcel shipped, yet was never paid: cancelling on Shopify refunds
        nothing, so a shipped supplier order does not stand in the way (its return is a step of its own).
        """
        if self.refused_cod:
            return not (self.active or self.pending or self.odd)
        return self.supplier_clear

    @property
    def revert_blocked(self) -> bool:
        return any(action is None for _, action in self.to_revert)


def _facts(state: OrderState) -> _Facts:
    shopify = state.shopify
    groups: dict[str, list[SupplierOrderState]] = {"a": [], "p": [], "s": [], "c": [], "o": []}
    for so in state.suppliers:
        groups[_group(so)].append(so)
    now = state.checked_at
    to_revert = tuple((fo, revert_action_for(fo, now=now)) for fo in shopify.fulfillment_orders
                      if _needs_revert(fo, now))
    waiting = tuple(fo for fo in shopify.fulfillment_orders if _is_waiting(fo, now))
    unpaid = unpaid_manual_payment(shopify)
    return _Facts(
        shopify=shopify,
        suppliers=state.suppliers,
        cancelled=shopify.is_cancelled,
        active=tuple(groups["a"]),
        pending=tuple(groups["p"]),
        shipped=tuple(groups["s"]),
        done=tuple(groups["c"]),
        odd=tuple(groups["o"]),
        to_revert=to_revert,
        waiting_fos=waiting,
        reverted_fos=_reverted(shopify),
        held=tuple(fo for fo in shopify.fulfillment_orders if _is_held(fo)),
        customer_notified=state.customer_notified,
        unpaid_manual=unpaid,
        refused_cod=unpaid and not shopify.is_cancelled and shopify.fulfillment_status is _D.FULFILLED,
        shopify_odd=tuple(_shopify_oddities(state, has_shipped=bool(groups["s"]))),
        on_date=f" on {shopify.cancelled_at:%Y-%m-%d}" if shopify.cancelled_at else "",
        no_supplier_order=state.no_supplier_order,
        app_signs=app_signs(shopify) if not state.suppliers else (),
    )


def _group(so: SupplierOrderState) -> str:
    status = so.status
    if so.read_error is not None or status in _ODD:
        return "o"
    if status in _ACTIVE:
        return "a"
    if status in _PENDING:
        return "p"
    if status in _SHIPPED:
        return "s"
    return "c"


def _shopify_oddities(state: OrderState, *, has_shipped: bool) -> Iterable[str]:
    shopify = state.shopify
    if shopify.financial_status is DisplayFinancialStatus.PENDING and not unpaid_manual_payment(shopify):
        yield ("the payment is still pending authorization, and Shopify cannot cancel an order "
               "while a payment authorization is pending; wait until the payment goes through or fails")
    if shopify.return_status not in (None, "NO_RETURN"):
        yield (f"a return is open on Shopify (return status {shopify.return_status}), and Shopify "
               "cannot cancel an order with a return in progress; close or finish the return first")
    if shopify.fulfillment_status is _D.UNKNOWN:
        yield "Shopify reports a fulfillment status we do not know, so we cannot tell whether anything shipped"
    if shopify.fulfillment_status is _D.REQUEST_DECLINED:
        yield ("the fulfillment service declined the fulfillment request (Request declined): look at the order "
               "in Shopify admin and decide whether to fulfill it another way or cancel it")
    for fo in shopify.fulfillment_orders:
        if fo.status is _FOS.UNKNOWN:
            yield f"{_fo_words(fo)} has a status we do not know"
        elif fo.status in _FINISHED_FO or fo.request_status not in _ODD_REQUESTS:
            continue
        elif fo.request_status is _FOR.REJECTED:
            yield f"{_fo_words(fo)}: the fulfillment service rejected the fulfillment request"
        elif fo.request_status is _FOR.CANCELLATION_REJECTED:
            yield (f"{_fo_words(fo)}: the fulfillment service refused to cancel the fulfillment, so it may still "
                   "ship; contact the service")
        else:
            yield f"{_fo_words(fo)} has a request status we do not know"
    read = {so.order_id for so in state.suppliers}
    for ref in shopify.supplier_refs:
        if ref.order_id not in read:
            yield (f"{SUPPLIER_TITLES[ref.supplier]} order {ref.order_id} is linked to this order but was not "
                   "checked, so we cannot tell whether it can still be cancelled")
    if shopify.fulfillment_status in _FULFILLED_DISPLAY and state.suppliers and not has_shipped:
        yield (f"Shopify shows the order {_DISPLAY_WORDS[shopify.fulfillment_status]}, yet none of its "
               f"supplier orders has shipped ({_list(_describe(so) for so in state.suppliers)}): "
               "a tracking number may have been added by mistake")


# --- The path --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Verdict:
    """The whole order's path and, for needs_attention, exactly what is odd on each side."""

    path: PathId
    shopify_odd: tuple[str, ...] = ()
    supplier_odd: tuple[str, ...] = ()

    @property
    def odd(self) -> tuple[str, ...]:
        return (*self.shopify_odd, *self.supplier_odd)


def _choose_path(f: _Facts) -> _Verdict:
    """Apply the precedence of the module docstring."""
    supplier_odd = tuple(_supplier_oddity(so) for so in f.odd)
    if f.cancelled:
        if f.active:
            return _Verdict(PathId.SUPPLIER_STILL_ACTIVE)
        if f.pending:
            return _Verdict(PathId.CANCELLATION_PENDING)
        if f.shipped:
            return _Verdict(PathId.SUPPLIER_SHIPPED)
        if f.odd:
            return _Verdict(PathId.NEEDS_ATTENTION, supplier_odd=supplier_odd)
        return _Verdict(PathId.ALREADY_CANCELLED)
    if f.shopify_odd or supplier_odd:
        return _Verdict(PathId.NEEDS_ATTENTION, f.shopify_odd, supplier_odd)
    display = f.shopify.fulfillment_status
    if display in _FULFILLED_DISPLAY and not f.refused_cod:
        return _Verdict(PathId.FULFILLED)
    if f.shipped and not f.refused_cod:
        return _Verdict(PathId.SUPPLIER_SHIPPED)
    if f.waiting_fos or f.pending:
        return _Verdict(PathId.CANCELLATION_PENDING)
    if f.to_revert or display in _IN_PROGRESS_DISPLAY:
        if not f.to_revert:
            return _Verdict(PathId.NEEDS_ATTENTION, (
                f"Shopify shows the order {_DISPLAY_WORDS[display]}, but no fulfillment order shows a request "
                "we could revert, so no revert is currently allowed (the app may lack access to the "
                "fulfillment orders); look at the order in Shopify admin",
            ))
        if f.revert_blocked:
            return _Verdict(PathId.NEEDS_ATTENTION, tuple(
                f"{_fo_words(fo)} {_fo_state_words(fo)}, and Shopify currently allows no revert on it "
                f"(allowed actions: {_actions_words(fo)}); contact the fulfillment service"
                for fo, action in f.to_revert
                if action is None
            ))
        return _Verdict(PathId.FULFILLMENT_IN_PROGRESS)
    return _Verdict(PathId.CANCELLABLE)


def _supplier_oddity(so: SupplierOrderState) -> str:
    name = _order_words(so)
    if so.read_error is not None:
        return f"{name} could not be read ({so.read_error}); check it on the supplier's site"
    if so.status is _S.HELD:
        return f"{name} is on hold at the supplier ({_raw(so)}); look at it on the supplier's site before anything else"
    if so.status is _S.IN_DISPUTE:
        return f"{name} has a dispute or refund case open ({_raw(so)}); follow it on the supplier's site"
    return f"{name} is in a status we do not know ({_raw(so)}), so we cannot tell whether it can be cancelled"


def _supplier_verdict(so: SupplierOrderState, *, shopify_cancelled: bool) -> dict[str, object]:
    """The fields of this supplier order's `SupplierVerdict` (validated with the walkthrough)."""
    group = _group(so)
    name = _order_words(so)
    if group == "a":
        if shopify_cancelled:
            path, reason = PathId.SUPPLIER_STILL_ACTIVE, (
                f"{name} is {_SUPPLIER_STATUS_WORDS[so.status]} although the order is cancelled on Shopify: "
                "cancel it at the supplier now")
        else:
            path, reason = PathId.CANCELLABLE, (
                f"{name} is {_SUPPLIER_STATUS_WORDS[so.status]}: it can still be cancelled at the supplier")
    elif group == "p":
        path, reason = PathId.CANCELLATION_PENDING, f"{name}: cancellation requested, waiting for the seller's answer"
    elif group == "s":
        path, reason = PathId.SUPPLIER_SHIPPED, (
            f"{name} is {_SUPPLIER_STATUS_WORDS[so.status]}: it can no longer be cancelled, only returned or disputed")
    elif group == "c":
        path, reason = PathId.ALREADY_CANCELLED, f"{name} is cancelled at the supplier: nothing left to do there"
    else:
        path, reason = PathId.NEEDS_ATTENTION, _supplier_oddity(so)
    return {"supplier": so.supplier, "order_id": so.order_id, "path": path, "reason": reason}


# --- Steps --------------------------------------------------------------------------------------


class _Todo:
    """Draft status of a step before exactly one is chosen as next (higher value wins).

    Plain ints, not an IntEnum: `decide` compares and hashes these in its hot loop.
    """

    DONE = 0
    NOT_NEEDED = 1
    BLOCKED = 2
    WAIT = 3  # a check-again step: next only when nothing else is to do
    TODO = 4
    URGENT = 5  # cancelling an active supplier order: money is at stake


@dataclass(slots=True)
class _Draft:
    """A step before the one next step is chosen (private, never shared, so not frozen: faster)."""

    step_id: str
    todo: int
    reason: str
    action: ActionId | None = None
    target: str | None = None
    supplier: str | None = None
    revert: FulfillmentOrderAction | None = None


def _drafts(f: _Facts, verdict: _Verdict) -> list[_Draft]:
    shopify, path = f.shopify, verdict.path
    # Ask for the supplier order wherever Shopify may still be cancelled (a fulfilled order is a return).
    asks = f.supplier_unknown and not f.cancelled and path is not PathId.FULFILLED
    steps: list[_Draft] = [_look_up_step(f, asks=asks)]
    for so in f.suppliers:
        steps.extend(_supplier_steps(so, f))
    if not f.suppliers:
        for step_id in ("supplier-check-status", "supplier-cancel", "supplier-confirm-cancelled"):
            if asks:
                steps.append(_Draft(step_id, _Todo.BLOCKED, "Not until the supplier order is known: enter its "
                                    "number, or confirm that no supplier order was placed."))
            else:
                steps.append(_Draft(step_id, _Todo.NOT_NEEDED, _no_supplier_words(f)))
    steps.append(_check_fulfillment_step(f, verdict))
    steps.extend(_revert_steps(f, path))
    steps.append(_shopify_cancel_step(f, path))
    if f.cancelled:
        steps.append(_Draft("shopify-confirm-cancelled", _Todo.DONE,
                            f"Shopify shows {shopify.name} cancelled{f.on_date}."))
    else:
        steps.append(_Draft("shopify-confirm-cancelled", _Todo.BLOCKED,
                            "Check this after you have cancelled the order on Shopify."))
    steps.append(_refund_later_step(f))
    steps.append(_tell_customer_step(f))
    for so in f.suppliers:
        steps.append(_return_step(so))
    if not f.suppliers:
        steps.append(_Draft("supplier-return-or-dispute", _Todo.NOT_NEEDED, "No supplier order is linked."))
    steps.append(_fulfilled_step(f))
    return steps


def _look_up_step(f: _Facts, *, asks: bool) -> _Draft:
    shopify = f.shopify
    if f.suppliers:
        plural = "s" if len(f.suppliers) > 1 else ""
        found = f"and its supplier order{plural} {_list(_order_words(so) for so in f.suppliers)}"
        return _Draft("look-up-order", _Todo.DONE, f"Found {shopify.name} in Shopify ({shopify.total}) {found}.")
    if asks:
        return _Draft("look-up-order", _Todo.TODO, f"Found {shopify.name} in Shopify ({shopify.total}), but "
                      f"{_unknown_words(f)}", action=ActionId.FIND_SUPPLIER_ORDER)
    return _Draft("look-up-order", _Todo.DONE,
                  f"Found {shopify.name} in Shopify ({shopify.total}). {_no_supplier_words(f)}")


def _unknown_words(f: _Facts) -> str:
    """Why the supplier side is not clear when no supplier order was found, and how to clear it."""
    signs = (f" A supplier order was probably placed: {_list(f.app_signs)}." if f.app_signs else "")
    return ("no supplier order number was found on it (metafield, note attributes, note and tags were read)."
            f"{signs} Enter the supplier order number(s), or confirm that no supplier order was placed, before "
            "cancelling on Shopify: otherwise the supplier may still ship, and charge you for, a cancelled order.")


def _no_supplier_words(f: _Facts) -> str:
    ruled_out = f.no_supplier_order
    if ruled_out is None:
        return "No supplier order is linked to this order."
    ticket = f" (ticket {ruled_out.ticket})" if ruled_out.ticket else ""
    return f"You confirmed at {ruled_out.at:%Y-%m-%d %H:%M} UTC{ticket} that no supplier order was placed."


def _supplier_steps(so: SupplierOrderState, f: _Facts) -> list[_Draft]:
    name = _order_words(so)
    group = _group(so)
    ids = {"target": so.order_id, "supplier": so.supplier}

    if group == "o" and so.read_error is not None:
        # Unreadable (no API access, or the read failed): the merchant looks on the site and says what it shows.
        link = f" ({so.order_url})" if so.order_url else ""
        check = _Draft("supplier-check-status", _Todo.TODO,
                       f"{_supplier_oddity(so)}. Open it on {SUPPLIER_TITLES[so.supplier]}{link} and say what it "
                       "shows: awaiting payment, awaiting shipment, cancellation requested, cancelled or shipped.",
                       action=ActionId.CHECK_BY_HAND, **ids)
    elif group == "o":
        check = _Draft("supplier-check-status", _Todo.TODO, _supplier_oddity(so) + ".",
                       action=ActionId.CHECK_SUPPLIER, **ids)
    elif so.source == "manual":
        ticket = f" for ticket {so.checked_ticket}" if so.checked_ticket else ""
        check = _Draft("supplier-check-status", _Todo.DONE,
                       f"{_order_words(so)}: {_raw(so)}{ticket} ({_SUPPLIER_STATUS_WORDS[so.status]}).", **ids)
    else:
        check = _Draft("supplier-check-status", _Todo.DONE,
                       f"{SUPPLIER_TITLES[so.supplier]} says: {_raw(so)} ({_SUPPLIER_STATUS_WORDS[so.status]}).", **ids)

    if group == "a":
        action = ActionId.CANCEL_SUPPLIER if so.cancel_channel is CancelChannel.API else ActionId.OPEN_SUPPLIER
        how = so.cancel_note or (
            "We can cancel it for you." if action is ActionId.CANCEL_SUPPLIER
            else "Cancel it on the supplier's site (Order details > Cancel order); we open the page for you.")
        if so.status is _S.AWAITING_SHIPMENT:
            stake = "It is paid, so until it is cancelled the seller may ship it and you pay for goods nobody wants."
        else:
            stake = "It is not paid yet, so cancelling it now is immediate and costs nothing."
        cancel = _Draft("supplier-cancel", _Todo.URGENT, f"{name} has not shipped: cancel it first. {stake} {how}",
                        action=action, **ids)
        confirm = _Draft("supplier-confirm-cancelled", _Todo.BLOCKED,
                         f"Check {name} again after you have cancelled it.", action=ActionId.CHECK_SUPPLIER, **ids)
    elif group == "p":
        cancel = _Draft("supplier-cancel", _Todo.DONE, f"The cancellation of {name} has been requested.", **ids)
        confirm = _Draft("supplier-confirm-cancelled", _Todo.WAIT, _supplier_wait_words(so),
                         action=ActionId.CHECK_SUPPLIER, **ids)
    elif group == "s":
        cancel = _Draft("supplier-cancel", _Todo.BLOCKED,
                        f"{name} is {_SUPPLIER_STATUS_WORDS[so.status]}: {SUPPLIER_TITLES[so.supplier]} no longer "
                        "lets you cancel it. See 'When the supplier has already shipped'.", **ids)
        confirm = _Draft("supplier-confirm-cancelled", _Todo.NOT_NEEDED,
                         f"{name} shipped, so there is no cancellation to confirm.", **ids)
    elif group == "c":
        cancel = _Draft("supplier-cancel", _Todo.DONE, f"{name} is cancelled at the supplier.", **ids)
        confirm = _Draft("supplier-confirm-cancelled", _Todo.DONE,
                         f"{SUPPLIER_TITLES[so.supplier]} shows {so.order_id} cancelled ({_raw(so)}); "
                         "the supplier refunds what you paid for it.", **ids)
    else:
        cancel = _Draft("supplier-cancel", _Todo.BLOCKED,
                        f"Not until the status of {name} is clear: {_supplier_oddity(so)}.", **ids)
        confirm = _Draft("supplier-confirm-cancelled", _Todo.BLOCKED,
                         f"Not until the status of {name} is clear.", **ids)
    return [check, cancel, confirm]


def _supplier_wait_words(so: SupplierOrderState) -> str:
    name = _order_words(so)
    if so.supplier == "aliexpress":
        return (f"Waiting for the seller to approve the cancellation of {name}. Check again in about 24 hours; "
                "if the seller does not answer within 72 hours, AliExpress closes the order and refunds you.")
    return (f"Waiting for {SUPPLIER_TITLES[so.supplier]} to confirm the cancellation of {name}. "
            "Check again in about 24 hours.")


def _check_fulfillment_step(f: _Facts, verdict: _Verdict) -> _Draft:
    shopify = f.shopify
    if f.cancelled:
        return _Draft("shopify-check-fulfillment", _Todo.DONE,
                      f"Shopify shows {shopify.name} cancelled{f.on_date}.")
    if verdict.shopify_odd:
        return _Draft("shopify-check-fulfillment", _Todo.TODO,
                      "Look at the order in Shopify admin: " + "; ".join(verdict.shopify_odd) + ".")
    display = _DISPLAY_WORDS[shopify.fulfillment_status]
    return _Draft("shopify-check-fulfillment", _Todo.DONE, f"Shopify shows the order {display}.")


def _revert_steps(f: _Facts, path: PathId) -> list[_Draft]:
    if f.cancelled:
        return [_Draft("shopify-revert-fulfillment", _Todo.NOT_NEEDED,
                       "The order is already cancelled on Shopify; there is no fulfillment request to revert.")]
    if not f.to_revert and not f.waiting_fos and not f.reverted_fos:
        if f.held:
            return [_Draft("shopify-revert-fulfillment", _Todo.NOT_NEEDED,
                           f"{_list(_fo_words(fo) + ' ' + _fo_state_words(fo) for fo in f.held)}. A hold does not "
                           "stop Shopify's cancel, so it is not released: releasing it could let an app fulfil the "
                           "order before you cancel it.")]
        return [_Draft("shopify-revert-fulfillment", _Todo.NOT_NEEDED,
                       "No fulfillment request is open, so there is nothing to revert.")]
    drafts: list[_Draft] = []
    waiting_ids = {fo.id for fo in f.waiting_fos}
    reverted_ids = {fo.id for fo in f.reverted_fos}
    reverts = dict((fo.id, action) for fo, action in f.to_revert)
    for fo in f.shopify.fulfillment_orders:
        where = _fo_words(fo)
        if fo.id in reverted_ids:
            drafts.append(_Draft("shopify-revert-fulfillment", _Todo.DONE, _reverted_words(fo), target=fo.id))
            continue
        if fo.id in waiting_ids:
            drafts.append(_Draft(
                "shopify-revert-fulfillment", _Todo.WAIT,
                f"You asked the fulfillment service to cancel {where}; waiting for it to accept. Check again "
                "in about an hour: once it accepts, the order shows Unfulfilled and can be cancelled. If it has "
                f"not answered {_hours(SERVICE_SILENCE)} after the request, you may cancel the fulfillment order "
                "yourself.",
                target=fo.id))
            continue
        if fo.id not in reverts:
            continue
        action = reverts[fo.id]
        if action is None:
            drafts.append(_Draft(
                "shopify-revert-fulfillment", _Todo.BLOCKED,
                f"Shopify allows no revert on {where} right now ({_request_words(fo)}; allowed actions: "
                f"{_actions_words(fo)}).", target=fo.id))
        elif path not in (PathId.FULFILLMENT_IN_PROGRESS, PathId.CANCELLATION_PENDING):
            drafts.append(_Draft(
                "shopify-revert-fulfillment", _Todo.BLOCKED,
                f"{where} {_fo_state_words(fo)}, but reverting it does not help here: "
                f"{_path_block_words(path)}.", target=fo.id))
        elif f.supplier_unknown:
            drafts.append(_Draft(
                "shopify-revert-fulfillment", _Todo.BLOCKED,
                f"First find the supplier order (enter its number, or confirm none was placed): if a supplier "
                f"ships after all, you still want Shopify to track the fulfillment. Then {_REVERT_WORDS[action]} "
                f"for {where}.", target=fo.id))
        elif not f.supplier_clear:
            drafts.append(_Draft(
                "shopify-revert-fulfillment", _Todo.BLOCKED,
                f"First finish at the supplier ({_list(_describe(so) for so in _not_cancelled(f))}): if the "
                f"supplier ships after all, you still want Shopify to track the fulfillment. Then "
                f"{_REVERT_WORDS[action]} for {where}.", target=fo.id))
        else:
            drafts.append(_Draft(
                "shopify-revert-fulfillment", _Todo.TODO,
                f"{where} {_fo_state_words(fo)}: {_REVERT_WORDS[action]}, so the order goes back to Unfulfilled "
                "and Shopify lets you cancel it.",
                action=ActionId.REVERT_FULFILLMENT, target=fo.id, revert=action))
    return drafts


def _reverted_words(fo: FulfillmentOrderState) -> str:
    where = _fo_words(fo)
    if fo.request_status is _FOR.CANCELLATION_ACCEPTED:
        return f"The fulfillment service accepted the cancellation of the fulfillment request for {where}."
    return (f"Shopify shows the fulfillment request for {where} closed before it was completed "
            f"({_request_words(fo)}), with a replacement fulfillment order for the items: it was taken back.")


def _shopify_cancel_step(f: _Facts, path: PathId) -> _Draft:
    shopify = f.shopify
    if f.cancelled:
        return _Draft("shopify-cancel", _Todo.DONE, f"{shopify.name} was cancelled on Shopify{f.on_date}.",
                      target=shopify.id)
    if path is PathId.CANCELLABLE and f.cancel_clear:
        if f.refused_cod:
            where = ("Shopify shows the order Fulfilled, but the payment was never collected (the parcel was "
                     "refused or not paid on delivery), so Shopify still lets you cancel it")
        else:
            where = (f"Nothing is left at the supplier and Shopify shows the order "
                     f"{_DISPLAY_WORDS[shopify.fulfillment_status]}")
        held = (" It is on hold: cancel it as it is; do not release the hold first (an app may fulfil it the "
                "moment it is released)." if f.held else "")
        return _Draft(
            "shopify-cancel", _Todo.TODO,
            f"{where}: cancel it. {_refund_choice_words(shopify)} Then the reason, whether to restock and whether "
            f"to notify the customer.{held}",
            action=ActionId.CANCEL_ORDER, target=shopify.id)
    return _Draft("shopify-cancel", _Todo.BLOCKED, _shopify_block_words(f, path), target=shopify.id)


def _amount_words(shopify: ShopifyOrderState) -> str:
    """The refundable amount, with the customer's own currency beside it when it differs."""
    amount = refundable(shopify)
    customer = refundable_presentment(shopify)
    return f"{customer} ({amount} in the shop's currency)" if customer is not None else str(amount)


def _refund_choice_words(shopify: ShopifyOrderState) -> str:
    if unpaid_manual_payment(shopify):
        return ("Nothing was paid yet (cash on delivery or another manual payment), so there is nothing to refund "
                "and the cancel sends no refund.")
    if refundable(shopify).amount <= 0:
        return "Nothing is left to refund (it was already refunded), so cancel with refund later."
    if open_chargebacks(shopify):
        return (f"A chargeback is open, so do not refund {_amount_words(shopify)} now: the dispute returns the "
                "money to the customer if the bank decides for them (refund later).")
    return (f"Choose refund now ({_amount_words(shopify)} back to the original payment method, or as store credit) "
            "or later.")


def _shopify_block_words(f: _Facts, path: PathId) -> str:
    reasons: list[str] = []
    if f.supplier_unknown:
        signs = f" ({_list(f.app_signs)})" if f.app_signs else ""
        reasons.append("no supplier order is known for this order: enter its number, or confirm that no supplier "
                       f"order was placed{signs}")
    if path is PathId.NEEDS_ATTENTION:
        reasons.append("something about this order needs a closer look first (see the explanation)")
    elif path is PathId.FULFILLED:
        reasons.append(_path_block_words(path))
    if f.shipped:
        reasons.append("the supplier has shipped: cancelling now would refund the customer while the parcel still "
                       "reaches them")
    unfinished = [so for so in _not_cancelled(f) if _group(so) != "s"]
    if unfinished:
        reasons.append(f"the supplier order is not cancelled yet ({_list(_describe(so) for so in unfinished)})")
    if f.to_revert:
        reasons.append("a fulfillment request is still in progress and must be reverted first")
    if f.waiting_fos:
        reasons.append("the fulfillment service has not yet accepted the cancellation request")
    if not reasons:
        reasons.append(_path_block_words(path))
    return "Not now: " + "; ".join(reasons) + "."


def _path_block_words(path: PathId) -> str:
    if path is PathId.FULFILLED:
        return "Shopify only cancels unfulfilled orders (see 'When Shopify shows the order fulfilled')"
    if path is PathId.SUPPLIER_SHIPPED:
        return "the supplier has shipped (see 'When the supplier has already shipped')"
    if path is PathId.NEEDS_ATTENTION:
        return "something about this order needs a closer look first (see the explanation)"
    return "finish the earlier steps first"


def refund_owed(shopify: ShopifyOrderState) -> bool:
    """Cancelled with money still to return: refund later was chosen and Shopify does not show it refunded."""
    return (shopify.is_cancelled and refundable(shopify).amount > 0 and not open_chargebacks(shopify)
            and shopify.financial_status in _OWING)


_OWING = frozenset({DisplayFinancialStatus.PAID, DisplayFinancialStatus.PARTIALLY_PAID,
                    DisplayFinancialStatus.PARTIALLY_REFUNDED})


def _refund_later_step(f: _Facts) -> _Draft:
    shopify = f.shopify
    if not f.cancelled:
        return _Draft("shopify-refund-later", _Todo.NOT_NEEDED,
                      "Only needed if you cancel with refund later: then refund from the order page afterwards.")
    if refund_owed(shopify):
        return _Draft("shopify-refund-later", _Todo.TODO,
                      f"Refund {_amount_words(shopify)} from the order page: {shopify.name} was cancelled with refund "
                      "later, and Shopify does not show it refunded yet. Open the order, click Refund, and refund "
                      "what is left.")
    if open_chargebacks(shopify):
        return _Draft("shopify-refund-later", _Todo.NOT_NEEDED,
                      "A chargeback is open: the dispute returns the customer's money, so do not refund separately.")
    if shopify.financial_status in (DisplayFinancialStatus.REFUNDED, DisplayFinancialStatus.PARTIALLY_REFUNDED):
        return _Draft("shopify-refund-later", _Todo.DONE, "Shopify shows the order refunded.")
    return _Draft("shopify-refund-later", _Todo.NOT_NEEDED, "Nothing was paid, so there is nothing to refund.")


def _tell_customer_step(f: _Facts) -> _Draft:
    if f.cancelled and not f.shipped:
        notified = f.customer_notified
        if notified is True:
            return _Draft("tell-customer", _Todo.DONE,
                          "Shopify emailed the customer the cancellation notice when you cancelled. Answer their "
                          "ticket too if they wrote in.")
        if notified is False:
            return _Draft("tell-customer", _Todo.TODO,
                          "Shopify was not asked to notify the customer when you cancelled, so they have heard "
                          "nothing yet: send them the reply (the order is cancelled and how the money comes back).")
        return _Draft("tell-customer", _Todo.NOT_NEEDED,
                      "The order is cancelled on Shopify. If you did not tick 'notify the customer' when you "
                      "cancelled, send them a short note that the order is cancelled and when the refund arrives.")
    if f.shipped:
        return _Draft("tell-customer", _Todo.BLOCKED,
                      "Tell the customer once you have chosen what to do about the shipped parcel "
                      "(return, refuse delivery or keep it).")
    return _Draft("tell-customer", _Todo.BLOCKED,
                  "Tell the customer once the order is cancelled on Shopify (Shopify can email them for you).")


def _return_step(so: SupplierOrderState) -> _Draft:
    ids = {"target": so.order_id, "supplier": so.supplier}
    group = _group(so)
    if group != "s":
        why = {"c": "is cancelled: there is nothing to return",
               "o": "is not known to have shipped; this applies only if it turns out it has",
               }.get(group, "has not shipped")
        return _Draft("supplier-return-or-dispute", _Todo.NOT_NEEDED, f"{_order_words(so)} {why}.", **ids)
    tracking = f" (tracking {so.tracking_number})" if so.tracking_number else ""
    return _Draft(
        "supplier-return-or-dispute", _Todo.TODO,
        f"{_order_words(so)} is {_SUPPLIER_STATUS_WORDS[so.status]}{tracking}: it cannot be cancelled. Ask the "
        "seller for a return or refund on the supplier's site, or open a dispute if the item is not as described "
        "or does not arrive. A return usually costs you the return shipping.", **ids)


def _fulfilled_step(f: _Facts) -> _Draft:
    shopify = f.shopify
    if f.cancelled or shopify.fulfillment_status not in _FULFILLED_DISPLAY:
        return _Draft("fulfilled-refund-or-return", _Todo.NOT_NEEDED, "Shopify does not show the order fulfilled.")
    if f.refused_cod:
        return _Draft("fulfilled-refund-or-return", _Todo.NOT_NEEDED,
                      "The payment was never collected, so there is nothing to refund: cancel the order instead.")
    return _Draft(
        "fulfilled-refund-or-return", _Todo.TODO,
        f"Shopify shows {shopify.name} {_DISPLAY_WORDS[shopify.fulfillment_status]}, so it cannot be cancelled as "
        "is. Handle it as a return: agree it with the customer, then refund on Shopify (Refund, not Cancel); "
        "the refund goes back to the original payment method.")


def _resolve(drafts: Sequence[_Draft], titles: Mapping[str, str]) -> list[dict[str, object]]:
    """Pick the one next step (highest urgency, then guide order) and block the other to-dos.

    Returns the steps' fields: `decide` validates the whole walkthrough in one pydantic call,
    about twice as fast as building each `WalkthroughStep` on its own.
    """
    best: int | None = None
    for i, d in enumerate(drafts):
        if d.todo >= _Todo.WAIT and (best is None or d.todo > drafts[best].todo):
            best = i
    after = titles[drafts[best].step_id] if best is not None else ""
    steps = []
    for i, d in enumerate(drafts):
        if i == best:
            status, reason, action, revert = _NEXT, d.reason, d.action, d.revert
        elif d.todo >= _Todo.WAIT:
            status, reason, action, revert = _BLOCKED, f"{d.reason} (Do this after: {after}.)", None, None
        else:
            status, reason, action, revert = _STATUS_OF[d.todo], d.reason, None, None
        step = {"step_id": d.step_id, "title": titles[d.step_id], "status": status, "reason": reason}
        if action is not None:  # absent fields take their None default: a quarter cheaper to validate
            step["action"], step["revert"] = action, revert
        if d.target is not None:
            step["target"], step["supplier"] = d.target, d.supplier
        steps.append(step)
    return steps


_STATUS_OF = (StepStatus.DONE, StepStatus.NOT_NEEDED, StepStatus.BLOCKED)  # indexed by _Todo
_NEXT, _BLOCKED = StepStatus.NEXT, StepStatus.BLOCKED


# --- Explanation, warnings, citation ------------------------------------------------------------


def _explain(f: _Facts, path: PathId, odd: tuple[str, ...]) -> str:
    shopify = f.shopify
    name = shopify.name
    display = _DISPLAY_WORDS[shopify.fulfillment_status]
    active = _list(_describe(so) for so in f.active)
    if path is PathId.CANCELLABLE:
        return _explain_cancellable(f) + _cancellable_extras(f)
    if path is PathId.FULFILLMENT_IN_PROGRESS:
        reverts = _list(f"{_REVERT_WORDS[a]} for {_fo_words(fo)}" for fo, a in f.to_revert if a is not None)
        first = (f"First cancel {active} at the supplier; then " if f.active else "Revert it first: ")
        return (f"Shopify shows {name} {display}: a fulfillment is requested, held or in progress, and Shopify does "
                f"not let you cancel an order until it is taken back. {first}{reverts}. Once the order shows "
                "Unfulfilled again, cancel it on Shopify.")
    if path is PathId.CANCELLATION_PENDING:
        waits = [f"the seller of {_order_words(so)} has not answered the cancellation request yet" for so in f.pending]
        waits += [f"the fulfillment service has not accepted the cancellation of {_fo_words(fo)} yet"
                  for fo in f.waiting_fos]
        also = f" Meanwhile cancel {active} at the supplier: it has not shipped." if f.active else ""
        note = (" AliExpress closes an order and refunds you if the seller does not answer a cancellation within "
                "72 hours." if any(so.supplier == "aliexpress" for so in f.pending) else "")
        then = ("" if f.cancelled else
                f" Once every cancellation is confirmed, cancel {name} on Shopify.")
        return (f"A cancellation was asked for and the other side has not answered: {_list(waits)}. There is "
                f"nothing to click until they do; check again in about {_hours(_recheck(f))}.{note}{also}{then}")
    if path is PathId.SUPPLIER_SHIPPED:
        shipped = _list(_order_words(so) for so in f.shipped)
        also = (f" {active} has not shipped: cancel it now, that still saves money." if f.active else "")
        if f.cancelled:
            shop = (f"{name} is already cancelled on Shopify, so the parcel is going to a customer who has their "
                    "money back: ask them to refuse the delivery or send it back.")
        else:
            shop = (f"On Shopify, do not cancel {name} now: that refunds the customer while the parcel still reaches "
                    "them. Tell the customer; once the parcel is refused or returned, refund them on Shopify. The "
                    "return shipping is usually your cost.")
        return (f"{shipped} has already shipped, so it can no longer be cancelled at the supplier. Ask the seller for "
                f"a return or refund, or open a dispute on the supplier's site if the item is not as described or "
                f"never arrives. {shop}{also}")
    if path is PathId.FULFILLED:
        also = f" {active} has not shipped: cancel it at the supplier now, that still saves money." if f.active else ""
        return (f"Shopify shows {name} {display}, and Shopify only cancels unfulfilled orders, so it cannot be "
                "cancelled as is. Treat it as a return: agree it with the customer, ask the seller for a return or "
                "refund if the supplier shipped, and refund the customer on Shopify with Refund (not Cancel) once "
                f"you know what comes back.{also}")
    if path is PathId.SUPPLIER_STILL_ACTIVE:
        return (f"{name} was cancelled on Shopify{f.on_date}, but {active} is still active at the "
                "supplier. Money is leaking: the supplier will ship, and charge you for, an order your customer no "
                "longer pays for. Cancel it at the supplier now.")
    if path is PathId.ALREADY_CANCELLED:
        sup = (f", and {_list(_order_words(so) for so in f.suppliers)} is cancelled at the supplier too"
               if f.suppliers else "")
        left = []
        if refund_owed(shopify):
            left.append(f"refund {_amount_words(shopify)} from the order page (it was cancelled with refund later)")
        if f.customer_notified is False:
            left.append("tell the customer (Shopify was not asked to notify them)")
        if left:
            return f"{name} was cancelled on Shopify{f.on_date}{sup}. Still to do: {'; '.join(left)}."
        return f"{name} was cancelled on Shopify{f.on_date}{sup}. Nothing is left to do."
    also = (f" Cancelling {active} at the supplier is still safe and saves money." if f.active else "")
    return (f"Something about {name} does not add up, so the assistant will not offer to cancel it on Shopify until "
            f"you have looked: {'; '.join(odd)}.{also}")


def _explain_cancellable(f: _Facts) -> str:
    shopify = f.shopify
    name = shopify.name
    display = _DISPLAY_WORDS[shopify.fulfillment_status]
    active = _list(_describe(so) for so in f.active)
    if f.refused_cod:
        shipped = (f" {_list(_order_words(so) for so in f.shipped)} shipped: ask the seller about a return (see "
                   "'When the supplier has already shipped')." if f.shipped else "")
        return (f"Shopify shows {name} Fulfilled, but its payment was never collected (cash on delivery or another "
                f"manual payment, and the parcel was refused or not paid), so Shopify still lets you cancel it, with "
                f"nothing to refund.{shipped}" + (f" First cancel {active} at the supplier." if f.active else ""))
    if f.active:
        return (f"Nothing has shipped yet, so {name} can still be cancelled cleanly. Follow the guide's order: "
                f"first cancel {active} at the supplier, so you are not charged for goods the customer will not "
                f"get; then cancel {name} on Shopify, which shows it {display}.")
    if f.suppliers:
        return (f"{_list(_describe(so) for so in f.suppliers)} is already cancelled at the supplier and Shopify "
                f"shows {name} {display}, so you can now cancel it on Shopify: choose whether to refund now or "
                "later, the reason, and whether to restock and notify the customer.")
    if f.supplier_unknown:
        signs = f" A supplier order was probably placed: {_list(f.app_signs)}." if f.app_signs else ""
        return (f"Shopify shows {name} {display}, but no supplier order number was found on it.{signs} Before "
                "cancelling on Shopify, enter the supplier order number(s) so they can be checked and "
                "cancelled first, or confirm that no supplier order was placed.")
    return (f"{_no_supplier_words(f)} Shopify shows {name} {display}, so you can cancel it on Shopify: choose "
            "whether to refund now or later, the reason, and whether to restock and notify the customer.")


def _cancellable_extras(f: _Facts) -> str:
    """What the cancellable explanation adds for a held order, a manual payment or a chargeback."""
    out = ""
    if f.held:
        out += (f" {_list(_fo_words(fo) for fo in f.held)} is on hold: cancel the order as it is. The assistant "
                "never releases a hold to cancel, because an app waiting on it may fulfil the order the moment it "
                "is released; if Shopify refuses the cancel, its message says why.")
    if f.unpaid_manual and not f.refused_cod:
        out += (" The order is paid by cash on delivery or another manual method and nothing was received, so the "
                "cancel refunds nothing.")
    if open_chargebacks(f.shopify):
        out += (" The customer opened a chargeback: do not refund separately, the dispute returns the money if the "
                "bank decides for them.")
    return out

def _warnings(f: _Facts, path: PathId) -> tuple[str, ...]:
    shopify = f.shopify
    out: list[str] = []
    if path is PathId.SUPPLIER_STILL_ACTIVE:
        out.append(f"Money is leaking: {_list(_describe(so) for so in f.active)} is still active although the order "
                   "is cancelled (and refunded) on Shopify. Cancel it at the supplier now.")
    for so in f.active:
        if so.status is _S.AWAITING_SHIPMENT and path is not PathId.SUPPLIER_STILL_ACTIVE:
            cost = f" ({so.amount})" if so.amount else ""
            out.append(f"Money at risk: {_order_words(so)} is paid{cost} and not cancelled yet; until it is, the "
                       "seller may ship it and you pay for it.")
    if f.cancelled and f.shipped:
        shipped = _list(_describe(so) for so in f.shipped)
        out.append(f"Goods are on their way to a customer who was refunded: {shipped}.")
    for so in f.suppliers:
        if so.read_error is not None:
            out.append(f"{_order_words(so)} could not be read: {so.read_error}.")
    if f.supplier_unknown and f.app_signs:
        done = " although the order is cancelled on Shopify" if f.cancelled else ""
        out.append(f"A supplier order was probably placed{done}: {_list(f.app_signs)}. Find its number in the app "
                   "and enter it, so it can be checked and cancelled.")
    elif f.supplier_unknown and not f.cancelled:
        out.append("No supplier order is linked to this order. If you placed one, enter its order number so it can be "
                   "checked and cancelled first; otherwise the supplier may still ship and charge you.")
    if not f.cancelled:
        if shopify.fulfillment_status is _D.PARTIALLY_FULFILLED:
            out.append("Part of the order is already fulfilled: those items cannot be cancelled, only returned.")
        fin = shopify.financial_status if path in _CANCEL_PATHS else None
        if fin is DisplayFinancialStatus.AUTHORIZED:
            out.append("The payment is only authorized: cancelling voids the authorization, so the customer is not "
                       "charged and there is nothing to refund.")
        elif fin in (DisplayFinancialStatus.REFUNDED, DisplayFinancialStatus.PARTIALLY_REFUNDED):
            out.append("The order is already (partly) refunded: a refund with the cancellation only returns what is "
                       "left.")
        elif fin is DisplayFinancialStatus.EXPIRED:
            out.append("The payment authorization expired: nothing was charged, so there is nothing to refund.")
        elif fin is DisplayFinancialStatus.PENDING and f.unpaid_manual:
            out.append("Paid by cash on delivery or another manual method, and nothing was received yet: the cancel "
                       "sends no refund.")
        if path in _CANCEL_PATHS:
            if not f.unpaid_manual:
                out.append("A refund can only go to the original payment method; a customer who no longer has it "
                           "must claim the funds from their bank or payment provider.")
            out.append("Cancelling on Shopify cannot be undone.")
        for fo in f.held:
            fraud = "HIGH_RISK_OF_FRAUD" in fo.hold_reasons
            out.append(
                f"{_fo_words(fo)} is on hold ({', '.join(fo.hold_reasons) or 'no reason given'}). Cancel the order "
                "as it is: the assistant never releases a hold, because an app may fulfil the order the moment it "
                "is released." + (" This is a fraud hold: consider the reason 'Fraudulent order' when you cancel, "
                                  "and never release it to ship." if fraud else ""))
        if shopify.closed:
            out.append("The order is archived (closed) in Shopify admin.")
    elif shopify.fulfillment_status in _FULFILLED_DISPLAY and not f.unpaid_manual:
        out.append(f"Shopify shows this cancelled order {_DISPLAY_WORDS[shopify.fulfillment_status]}: some items may "
                   "have shipped.")
    for dispute in open_chargebacks(shopify):
        kind = "chargeback" if dispute.initiated_as == "CHARGEBACK" else "payment inquiry"
        out.append(f"The customer opened a {kind} with their bank (status {dispute.status}). Do not refund it "
                   "separately: if the bank decides for the customer, the dispute returns their money, and a refund "
                   "on top would pay them twice. Answer the dispute in Shopify admin instead.")
    return tuple(out)


def _cites(f: _Facts, path: PathId) -> str:
    if path is PathId.CANCELLABLE:
        if f.active:
            return f"{CANCEL_GUIDE}#supplier"
        if f.held:
            return f"{CANCEL_GUIDE}#on-hold"
        if f.unpaid_manual:
            return f"{CANCEL_GUIDE}#manual-payment"
        if open_chargebacks(f.shopify):
            return f"{CANCEL_GUIDE}#chargeback"
        return f"{CANCEL_GUIDE}#shopify"
    if path is PathId.FULFILLMENT_IN_PROGRESS:
        return f"{REVERT_GUIDE}#which-revert"
    if path is PathId.CANCELLATION_PENDING:
        return f"{REVERT_GUIDE}#after-revert" if not f.pending else f"{CANCEL_GUIDE}#supplier"
    return f"{CANCEL_GUIDE}#" + {
        PathId.SUPPLIER_SHIPPED: "when-supplier-shipped",
        PathId.FULFILLED: "when-fulfilled",
        PathId.SUPPLIER_STILL_ACTIVE: "supplier",
        PathId.ALREADY_CANCELLED: "customer",
        PathId.NEEDS_ATTENTION: "overview",
    }[path]


def _recheck(f: _Facts) -> timedelta:
    waits = []
    if f.waiting_fos:
        waits.append(_SERVICE_RECHECK)
    if f.pending:
        waits.append(_SUPPLIER_RECHECK)
    return min(waits)


# --- Words ------------------------------------------------------------------------------------


def _order_words(so: SupplierOrderState) -> str:
    return f"{SUPPLIER_TITLES[so.supplier]} order {so.order_id}"


def _describe(so: SupplierOrderState) -> str:
    return f"{_order_words(so)} ({_SUPPLIER_STATUS_WORDS[so.status]})"


def _raw(so: SupplierOrderState) -> str:
    if so.raw_status is None:
        return "no status"
    return so.raw_status + (f", {so.end_reason}" if so.end_reason else "")


def _fo_words(fo: FulfillmentOrderState) -> str:
    where = f" at {fo.location_name}" if fo.location_name else ""
    return f"the fulfillment{where} ({fo.id.rsplit('/', 1)[-1]})"


def _request_words(fo: FulfillmentOrderState) -> str:
    return f"status {fo.status.value}, request {fo.request_status.value}"


def _fo_state_words(fo: FulfillmentOrderState) -> str:
    """Where a fulfillment order stands, as a verb phrase a merchant understands."""
    if fo.request_status is _FOR.SUBMITTED:
        return "has a fulfillment request the service has not accepted yet"
    if fo.request_status is _FOR.ACCEPTED:
        return "has a fulfillment request the service has accepted"
    if fo.request_status is _FOR.CANCELLATION_REQUESTED:
        return ("has a cancellation request the fulfillment service has not answered for more than "
                f"{_hours(SERVICE_SILENCE)}")
    if fo.status is _FOS.ON_HOLD or fo.hold_ids:
        why = f" ({', '.join(fo.hold_reasons)})" if fo.hold_reasons else ""
        return f"is on hold{why}"
    if fo.status is _FOS.IN_PROGRESS:
        return "is marked in progress"
    return f"is in {_request_words(fo)}"


def _actions_words(fo: FulfillmentOrderState) -> str:
    return ", ".join(a.value for a in fo.supported_actions) or "none"


def _not_cancelled(f: _Facts) -> tuple[SupplierOrderState, ...]:
    return tuple(so for so in f.suppliers if _group(so) != "c")


def _hours(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return "an hour" if hours == 1 else f"{hours} hours"


def _list(items: Iterable[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# --- Entry point ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _step_titles() -> Mapping[str, str]:
    """Step titles from the parsed guide, read once per process (`load_guide` checks the file each call)."""
    return MappingProxyType({step.id: step.title for step in load_guide(CANCEL_GUIDE).steps})


def decide(state: OrderState) -> Walkthrough:
    """Which path this order is on and the guide's steps for it. Pure, fast and total."""
    f = _facts(state)
    verdict = _choose_path(f)
    path = verdict.path
    steps = _resolve(_drafts(f, verdict), _step_titles())
    follow_up = path is PathId.ALREADY_CANCELLED and any(step["status"] is _NEXT for step in steps)
    return Walkthrough.model_validate({
        "path": path,
        "title": FOLLOW_UP_TITLE if follow_up else PATH_TITLES[path],
        "explanation": _explain(f, path, verdict.odd),
        "cites": _cites(f, path),
        "steps": steps,
        "warnings": _warnings(f, path),
        "suppliers": [_supplier_verdict(so, shopify_cancelled=f.cancelled) for so in f.suppliers],
        "check_again_after": _recheck(f) if path is PathId.CANCELLATION_PENDING else None,
    })


# --- Verdict only ------------------------------------------------------------------------------


class StepVerdict(NamedTuple):
    """One step of `classify`: what `decide` gives for it, without its title or reason."""

    step_id: str
    status: StepStatus
    action: ActionId | None
    target: str | None
    supplier: str | None


class Verdict(NamedTuple):
    """The path and the steps' statuses, as `decide` would give them (no text, no validation)."""

    path: PathId
    steps: tuple[StepVerdict, ...]

    @property
    def next_step(self) -> StepVerdict | None:
        return next((s for s in self.steps if s.status is StepStatus.NEXT), None)


def classify(state: OrderState) -> Verdict:
    """`decide` without the words, for callers that only need where the order stands.

    The path comes from the same `_facts` and `_choose_path`; the steps' statuses from `_todos`,
    a text-free mirror of `_drafts` (building the sentences is most of `decide`). Change a step
    rule in `_drafts` and `_todos` together: `tests/kb/test_paths_exhaustive.py` fails on every
    generated state where the two disagree.
    """
    f = _facts(state)
    verdict = _choose_path(f)
    todos = _todos(f, verdict)
    best: int | None = None
    for i, t in enumerate(todos):
        if t[1] >= _Todo.WAIT and (best is None or t[1] > todos[best][1]):
            best = i
    steps = []
    for i, (step_id, todo, action, target, supplier) in enumerate(todos):
        if i == best:
            steps.append(StepVerdict(step_id, _NEXT, action, target, supplier))
        else:
            steps.append(StepVerdict(step_id, _BLOCKED if todo >= _Todo.WAIT else _STATUS_OF[todo], None, target,
                                     supplier))
    return Verdict(verdict.path, tuple(steps))


_Row = tuple[str, int, ActionId | None, str | None, str | None]  # step id, todo, action, target, supplier
_SUPPLIER_ROWS = {  # group -> (check, cancel, confirm) todos, as `_supplier_steps` drafts them
    "o": ((_Todo.TODO, ActionId.CHECK_SUPPLIER), (_Todo.BLOCKED, None), (_Todo.BLOCKED, ActionId.CHECK_SUPPLIER)),
    "p": ((_Todo.DONE, None), (_Todo.DONE, None), (_Todo.WAIT, ActionId.CHECK_SUPPLIER)),
    "s": ((_Todo.DONE, None), (_Todo.BLOCKED, None), (_Todo.NOT_NEEDED, None)),
    "c": ((_Todo.DONE, None), (_Todo.DONE, None), (_Todo.DONE, None)),
}
_SUPPLIER_IDS = ("supplier-check-status", "supplier-cancel", "supplier-confirm-cancelled")


def _todos(f: _Facts, verdict: _Verdict) -> list[_Row]:
    """`_drafts` without the reasons (see `classify`)."""
    shopify, path = f.shopify, verdict.path
    asks = f.supplier_unknown and not f.cancelled and path is not PathId.FULFILLED  # as in `_drafts`
    look_up = (_Todo.TODO, ActionId.FIND_SUPPLIER_ORDER) if asks else (_Todo.DONE, None)
    rows: list[_Row] = [("look-up-order", *look_up, None, None)]
    for so in f.suppliers:
        group, target, supplier = _group(so), so.order_id, so.supplier
        if group == "a":
            cancel = ActionId.CANCEL_SUPPLIER if so.cancel_channel is CancelChannel.API else ActionId.OPEN_SUPPLIER
            todos = ((_Todo.DONE, None), (_Todo.URGENT, cancel), (_Todo.BLOCKED, ActionId.CHECK_SUPPLIER))
        elif group == "o" and so.read_error is not None:
            todos = ((_Todo.TODO, ActionId.CHECK_BY_HAND), *_SUPPLIER_ROWS["o"][1:])
        else:
            todos = _SUPPLIER_ROWS[group]
        rows.extend((step_id, todo, action, target, supplier) for step_id, (todo, action) in zip(_SUPPLIER_IDS, todos))
    if not f.suppliers:
        todo = _Todo.BLOCKED if asks else _Todo.NOT_NEEDED
        rows.extend((step_id, todo, None, None, None) for step_id in _SUPPLIER_IDS)
    check = _Todo.TODO if not f.cancelled and verdict.shopify_odd else _Todo.DONE
    rows.append(("shopify-check-fulfillment", check, None, None, None))
    rows.extend(_revert_todos(f, path))
    if f.cancelled:
        rows.append(("shopify-cancel", _Todo.DONE, None, shopify.id, None))
    elif path is PathId.CANCELLABLE and f.cancel_clear:
        rows.append(("shopify-cancel", _Todo.TODO, ActionId.CANCEL_ORDER, shopify.id, None))
    else:
        rows.append(("shopify-cancel", _Todo.BLOCKED, None, shopify.id, None))
    rows.append(("shopify-confirm-cancelled", _Todo.DONE if f.cancelled else _Todo.BLOCKED, None, None, None))
    rows.append(("shopify-refund-later", _refund_later_todo(f), None, None, None))
    rows.append(("tell-customer", _tell_customer_todo(f), None, None, None))
    for so in f.suppliers:
        todo = _Todo.TODO if _group(so) == "s" else _Todo.NOT_NEEDED
        rows.append(("supplier-return-or-dispute", todo, None, so.order_id, so.supplier))
    if not f.suppliers:
        rows.append(("supplier-return-or-dispute", _Todo.NOT_NEEDED, None, None, None))
    fulfilled = not f.cancelled and shopify.fulfillment_status in _FULFILLED_DISPLAY and not f.refused_cod
    rows.append(("fulfilled-refund-or-return", _Todo.TODO if fulfilled else _Todo.NOT_NEEDED, None, None, None))
    return rows


def _refund_later_todo(f: _Facts) -> int:
    """`_refund_later_step` without the reason."""
    shopify = f.shopify
    if not f.cancelled:
        return _Todo.NOT_NEEDED
    if refund_owed(shopify):
        return _Todo.TODO
    if open_chargebacks(shopify):
        return _Todo.NOT_NEEDED
    if shopify.financial_status in (DisplayFinancialStatus.REFUNDED, DisplayFinancialStatus.PARTIALLY_REFUNDED):
        return _Todo.DONE
    return _Todo.NOT_NEEDED


def _tell_customer_todo(f: _Facts) -> int:
    """`_tell_customer_step` without the reason."""
    if f.cancelled and not f.shipped:
        return {True: _Todo.DONE, False: _Todo.TODO}.get(f.customer_notified, _Todo.NOT_NEEDED)  # type: ignore[arg-type]
    return _Todo.BLOCKED


def _revert_todos(f: _Facts, path: PathId) -> list[_Row]:
    """`_revert_steps` without the reasons."""
    step = "shopify-revert-fulfillment"
    if f.cancelled or (not f.to_revert and not f.waiting_fos and not f.reverted_fos):
        return [(step, _Todo.NOT_NEEDED, None, None, None)]
    rows: list[_Row] = []
    waiting_ids = {fo.id for fo in f.waiting_fos}
    reverted_ids = {fo.id for fo in f.reverted_fos}
    reverts = dict((fo.id, action) for fo, action in f.to_revert)
    for fo in f.shopify.fulfillment_orders:
        if fo.id in reverted_ids:
            rows.append((step, _Todo.DONE, None, fo.id, None))
        elif fo.id in waiting_ids:
            rows.append((step, _Todo.WAIT, None, fo.id, None))
        elif fo.id in reverts:
            if (reverts[fo.id] is None or path not in (PathId.FULFILLMENT_IN_PROGRESS, PathId.CANCELLATION_PENDING)
                    or not f.supplier_clear):
                rows.append((step, _Todo.BLOCKED, None, fo.id, None))
            else:
                rows.append((step, _Todo.TODO, ActionId.REVERT_FULFILLMENT, fo.id, None))
    return rows
