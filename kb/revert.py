"""The revert choice: which Shopify mutation takes a fulfillment order back to unfulfilled.

`REVERT_RULES` is the choice, first match wins; an action is only chosen when Shopify lists it
in the fulfillment order's supported actions, and never RELEASE_HOLD: a held order is cancelled
as it is, because releasing a hold can let an app fulfil the order at once. The other
predicates say what a fulfillment order means for the cancel (blocks it, waits, held, reverted).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from kb.state import (
    DisplayFulfillmentStatus,
    FulfillmentOrderAction,
    FulfillmentOrderRequestStatus,
    FulfillmentOrderState,
    FulfillmentOrderStatus,
    ShopifyOrderState,
)

__all__ = [
    "FINISHED_FO",
    "FULFILLED_DISPLAY",
    "ODD_REQUESTS",
    "REVERT_RULES",
    "SERVICE_SILENCE",
    "is_fraud_hold",
    "is_held",
    "is_waiting",
    "needs_revert",
    "reverted",
    "revert_action_for",
    "service_silent",
]

A = FulfillmentOrderAction
_FOS = FulfillmentOrderStatus
_FOR = FulfillmentOrderRequestStatus

# A fulfillment service silent this long on a cancellation request: the merchant may stop waiting.
SERVICE_SILENCE = timedelta(hours=48)
FINISHED_FO = frozenset({_FOS.CLOSED, _FOS.CANCELLED})
ODD_REQUESTS = frozenset({_FOR.REJECTED, _FOR.CANCELLATION_REJECTED, _FOR.UNKNOWN})
FULFILLED_DISPLAY = frozenset({DisplayFulfillmentStatus.FULFILLED, DisplayFulfillmentStatus.PARTIALLY_FULFILLED})
_UNFINISHED_REQUESTS = frozenset({_FOR.SUBMITTED, _FOR.CANCELLATION_REQUESTED})  # never accepted, or being withdrawn


def service_silent(fo: FulfillmentOrderState, now: datetime | None) -> bool:
    """A cancellation request the fulfillment service has left unanswered for 48 hours or more."""
    asked = fo.cancellation_requested_at
    return (fo.request_status is _FOR.CANCELLATION_REQUESTED and fo.status not in FINISHED_FO
            and asked is not None and now is not None and now - asked >= SERVICE_SILENCE)


def _overdue(fo: FulfillmentOrderState, now: datetime | None) -> bool:
    """Silent for 48 hours, and Shopify lets the merchant cancel the fulfillment order themselves."""
    return service_silent(fo, now) and A.CANCEL_FULFILLMENT_ORDER in fo.supported_actions


# (guard, action): the first guard that holds names the revert, if Shopify lists it as supported.
# `now` is when the state was read: without it, nothing is overdue.
_Guard = Callable[[FulfillmentOrderState, "datetime | None"], bool]
REVERT_RULES: tuple[tuple[_Guard, FulfillmentOrderAction], ...] = (
    (lambda fo, now: fo.request_status is _FOR.SUBMITTED, A.CANCEL_FULFILLMENT_ORDER),  # never accepted: withdraw
    (_overdue, A.CANCEL_FULFILLMENT_ORDER),  # the service has not answered a cancellation for 48 hours
    (lambda fo, now: fo.request_status is _FOR.ACCEPTED, A.REQUEST_CANCELLATION),  # ask the service
    (lambda fo, now: fo.status is _FOS.IN_PROGRESS and fo.request_status is _FOR.UNSUBMITTED, A.MARK_AS_OPEN),
)


def revert_action_for(fo: FulfillmentOrderState, *, now: datetime | None = None) -> FulfillmentOrderAction | None:
    """The mutation that takes this fulfillment order back to unfulfilled, if Shopify allows one now.

    Never returns an action missing from `fo.supported_actions`: Shopify lists exactly what it
    allows, so anything else would fail (or, worse, do something else).
    """
    if fo.status in FINISHED_FO:
        return None
    for guard, action in REVERT_RULES:
        if action in fo.supported_actions and guard(fo, now):
            return action
    return None


def needs_revert(fo: FulfillmentOrderState, now: datetime | None = None) -> bool:
    """An open fulfillment order that blocks Shopify's cancel until it is reverted."""
    if fo.status in FINISHED_FO:
        return False
    if fo.request_status is _FOR.CANCELLATION_REQUESTED:
        return _overdue(fo, now)
    return fo.request_status in (_FOR.SUBMITTED, _FOR.ACCEPTED) or fo.status is _FOS.IN_PROGRESS


def is_held(fo: FulfillmentOrderState) -> bool:
    """On hold (any reason): it does not block Shopify's cancel, and is never released to cancel."""
    return fo.status not in FINISHED_FO and (fo.status is _FOS.ON_HOLD or bool(fo.hold_ids))


def is_fraud_hold(fo: FulfillmentOrderState) -> bool:
    """Held for a high risk of fraud: the cancel's reason should be "Fraudulent order", and it never ships."""
    return "HIGH_RISK_OF_FRAUD" in fo.hold_reasons


def is_waiting(fo: FulfillmentOrderState, now: datetime | None = None) -> bool:
    """A cancellation request the fulfillment service may still answer."""
    return fo.status not in FINISHED_FO and fo.request_status is _FOR.CANCELLATION_REQUESTED and not _overdue(fo, now)


def reverted(shopify: ShopifyOrderState) -> tuple[FulfillmentOrderState, ...]:
    """Fulfillment orders whose own state shows their request was already taken back.

    The rules see no history, only what Shopify reports now: the service accepted a cancellation
    request (CANCELLATION_ACCEPTED), or a request never completed (SUBMITTED, CANCELLATION_REQUESTED)
    was closed and a replacement fulfillment order holds the work left to do, which is what
    `fulfillmentOrderCancel` leaves behind. An order Shopify shows cancelled or (partly) fulfilled
    proves nothing: cancelling and fulfilling close fulfillment orders too.
    """
    fos = shopify.fulfillment_orders
    if not fos or shopify.is_cancelled:
        return ()
    taken_back: list[FulfillmentOrderState] = []
    replaced: bool | None = None  # asked only when a closed unfinished request is seen
    for fo in fos:
        if fo.request_status is _FOR.CANCELLATION_ACCEPTED:
            if not needs_revert(fo):
                taken_back.append(fo)
        elif fo.request_status in _UNFINISHED_REQUESTS and fo.status in FINISHED_FO:
            if replaced is None:
                replaced = shopify.fulfillment_status not in FULFILLED_DISPLAY and any(
                    other.status not in FINISHED_FO for other in fos)
            if replaced:
                taken_back.append(fo)
    return tuple(taken_back) if taken_back else ()
